//! The neutral structures views build and writers render: no syntax in here.

use smol_str::SmolStr;

/// A label: one or more lines of text exactly as the user wrote them (writers escape).
///
/// Held as one string, the lines joined by `\n` (no line holds one: text is split at
/// them): a large graph has tens of thousands of labels, and a string per line plus a
/// list of them cost several heap blocks each, where a short label is held inline.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Label {
    /// `None` for a label of no lines (not the same as one empty line: [`Label::push`]
    /// after it starts the first line).
    text: Option<SmolStr>,
}

/// Lines being added to a label.
struct Lines {
    text: String,
    count: usize,
}

impl Lines {
    fn of(label: &Label) -> Self {
        Lines {
            text: label.text.as_deref().unwrap_or_default().to_owned(),
            count: label.lines().count(),
        }
    }

    fn push(&mut self, line: &str) {
        if self.count > 0 {
            self.text.push('\n');
        }
        self.text.push_str(line);
        self.count += 1;
    }

    fn into_label(self) -> Label {
        Label {
            text: (self.count > 0).then(|| SmolStr::from(self.text)),
        }
    }
}

/// Lines longer than this (in terminal columns, Hangul counting 2) are wrapped at spaces.
const WRAP_WIDTH: usize = 34;
const WIDE_WRAP_WIDTH: usize = 64;
/// A word longer than this is broken, so a 200-character id does not make a node as
/// wide as the page.
const MAX_WORD_WIDTH: usize = 44;

impl Label {
    pub fn new(text: &str) -> Self {
        let mut label = Label::default();
        label.push(text);
        label
    }

    /// A label for a sequence diagram, where text runs along a wide arrow: wrapped
    /// later than a node's.
    pub fn wide(text: &str) -> Self {
        let mut label = Label::default();
        label.push_wrapped(text, WIDE_WRAP_WIDTH);
        label
    }

    /// Adds `text` as new lines: its own line breaks kept, long lines wrapped.
    pub fn push(&mut self, text: &str) {
        self.push_wrapped(text, WRAP_WIDTH);
    }

    fn push_wrapped(&mut self, text: &str, width: usize) {
        // Most labels are one short line: held as given, with no line list built.
        if self.text.is_none() && fits(text, width) && !text.contains(['\n', '\r']) {
            self.text = Some(SmolStr::new(text));
            return;
        }
        let mut lines = Lines::of(self);
        for line in text.split('\n') {
            wrap(&mut lines, line.trim_end_matches('\r'), width);
        }
        *self = lines.into_label();
    }

    pub fn with(mut self, text: &str) -> Self {
        self.push(text);
        self
    }

    /// Adds the lines of `other`, as they are (not wrapped again).
    pub fn append(&mut self, other: &Label) {
        let mut lines = Lines::of(self);
        for line in other.lines() {
            lines.push(line);
        }
        *self = lines.into_label();
    }

    /// The lines, in order.
    pub fn lines(&self) -> impl Iterator<Item = &str> {
        self.text.iter().flat_map(|text| text.split('\n'))
    }

    pub fn is_empty(&self) -> bool {
        self.lines().all(|line| line.trim().is_empty())
    }

    /// All lines joined by `separator`.
    pub fn join(&self, separator: &str) -> String {
        self.lines().collect::<Vec<_>>().join(separator)
    }
}

fn width(text: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(text)
}

/// Whether `line` fits in `max` columns. No character is wider than its UTF-8 bytes (a
/// double-width one takes three), so a line of at most `max` bytes fits without
/// measuring it: most labels of a large spec are short ASCII names.
fn fits(line: &str, max: usize) -> bool {
    line.len() <= max || width(line) <= max
}

/// Wraps one line at spaces into `lines`; words wider than [`MAX_WORD_WIDTH`] are
/// broken.
fn wrap(lines: &mut Lines, line: &str, max: usize) {
    if fits(line, max) {
        lines.push(line);
        return;
    }
    let first = lines.count;
    let mut current = String::new();
    for word in line.split(' ') {
        for piece in break_word(word) {
            if !current.is_empty() && width(&current) + 1 + width(&piece) > max {
                lines.push(&std::mem::take(&mut current));
            }
            if !current.is_empty() {
                current.push(' ');
            }
            current.push_str(&piece);
        }
    }
    if !current.is_empty() || lines.count == first {
        lines.push(&current);
    }
}

fn break_word(word: &str) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut current = String::new();
    for c in word.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if width(&current) + w > MAX_WORD_WIDTH {
            pieces.push(std::mem::take(&mut current));
        }
        current.push(c);
    }
    pieces.push(current);
    pieces
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    LeftRight,
    TopDown,
}

/// What a node stands for; writers choose shape and colour from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum NodeKind {
    Service,
    Frontend,
    External,
    Aggregate,
    Event,
    Command,
    /// A lifecycle state.
    State,
    /// The lifecycle's creation point (`[*]`).
    Start,
    /// A saga step.
    Step,
    /// The saga's pivot step.
    Pivot,
    /// A saga step retried until it succeeds.
    RetryStep,
    /// A saga compensation.
    Compensation,
    /// A legend sample end: drawn as (almost) nothing.
    LegendPoint,
}

/// What an edge stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EdgeKind {
    /// Synchronous call: solid.
    Sync,
    /// Event pub/sub: dashed.
    Event,
    /// Command (with its reply): bold.
    Command,
    /// One-way message: dotted.
    Message,
    /// Aggregate -> its domain event.
    Publishes,
    /// Domain event -> a subscribing service.
    Subscribes,
    /// Command -> its handler.
    Handles,
    /// Lifecycle transition.
    Transition,
    /// Saga: the next forward step.
    Forward,
    /// Saga: a step fails, compensation starts.
    Fails,
    /// Saga: the next compensation.
    Compensates,
}

/// How heavily a node is loaded (the load view): writers colour it, and mark it without
/// colour too (a thicker, then double border).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Tone {
    /// Under 70 % of its capacity.
    Low,
    /// 70 % to 100 %.
    High,
    /// Over 100 %.
    Over,
    /// On (or behind) a synchronous cycle: no finite load.
    Unbounded,
}

#[derive(Debug, Clone)]
pub struct Node {
    pub id: SmolStr,
    pub label: Label,
    pub kind: NodeKind,
    /// Index into [`Graph::groups`].
    pub group: Option<usize>,
    /// Overrides the kind's colours (the load view); `None` everywhere else.
    pub tone: Option<Tone>,
}

#[derive(Debug, Clone)]
pub struct Edge {
    /// Node ids: shared with the node's (an id longer than [`SmolStr`] holds inline is
    /// one heap block for every edge and the node), not copied.
    pub from: SmolStr,
    pub to: SmolStr,
    pub label: Label,
    pub kind: EdgeKind,
    /// Drawn faint: nothing flows along it (the load view); `false` everywhere else.
    pub faint: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupKind {
    /// Services sharing one database.
    SharedDatabase,
    /// The aggregates one service owns.
    Owner,
    /// The legend.
    Legend,
}

#[derive(Debug, Clone)]
pub struct Group {
    pub id: SmolStr,
    pub label: Label,
    pub kind: GroupKind,
}

/// Flowchart-like graphs are drawn as flowcharts; state graphs as state diagrams.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GraphKind {
    Flow,
    State,
}

#[derive(Debug, Clone)]
pub struct Graph {
    pub kind: GraphKind,
    /// One line: the diagram's title (a comment in Mermaid, the graph label in DOT).
    pub title: String,
    pub direction: Direction,
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
    pub groups: Vec<Group>,
    /// Pairs of nodes drawn side by side (a saga step and its compensation).
    pub side_by_side: Vec<(SmolStr, SmolStr)>,
    /// Nodes drawn first (frontends: the users' side) and last (external systems).
    pub first: Vec<SmolStr>,
    pub last: Vec<SmolStr>,
}

impl Graph {
    /// The nodes of each group, by index, in node order. Computed once by a writer:
    /// scanning every node for each group is quadratic, and a large SRD has thousands.
    pub fn members(&self) -> Vec<Vec<usize>> {
        let mut members = vec![Vec::new(); self.groups.len()];
        for (index, node) in self.nodes.iter().enumerate() {
            if let Some(group) = node.group.and_then(|g| members.get_mut(g)) {
                group.push(index);
            }
        }
        members
    }

    pub fn new(kind: GraphKind, title: impl Into<String>, direction: Direction) -> Self {
        Graph {
            kind,
            title: title.into(),
            direction,
            nodes: Vec::new(),
            edges: Vec::new(),
            groups: Vec::new(),
            side_by_side: Vec::new(),
            first: Vec::new(),
            last: Vec::new(),
        }
    }

    /// Makes room for `nodes` more nodes and `edges` more edges. A whole-system graph
    /// is sized before it is built: grown by doubling, its lists (tens of thousands of
    /// nodes and edges at 5,000 services) end up to twice their size, and each step
    /// holds the old list beside the new one.
    pub fn reserve(&mut self, nodes: usize, edges: usize) {
        self.nodes.reserve_exact(nodes);
        self.edges.reserve_exact(edges);
    }

    pub fn node(
        &mut self,
        id: impl Into<SmolStr>,
        label: Label,
        kind: NodeKind,
        group: Option<usize>,
    ) {
        self.nodes.push(Node {
            id: id.into(),
            label,
            kind,
            group,
            tone: None,
        });
    }

    /// Adds a node coloured by `tone` (the load view).
    pub fn toned_node(
        &mut self,
        id: impl Into<SmolStr>,
        label: Label,
        kind: NodeKind,
        group: Option<usize>,
        tone: Option<Tone>,
    ) {
        self.node(id, label, kind, group);
        if let Some(node) = self.nodes.last_mut() {
            node.tone = tone;
        }
    }

    pub fn edge(
        &mut self,
        from: impl Into<SmolStr>,
        to: impl Into<SmolStr>,
        label: Label,
        kind: EdgeKind,
    ) {
        self.edges.push(Edge {
            from: from.into(),
            to: to.into(),
            label,
            kind,
            faint: false,
        });
    }

    pub fn group(&mut self, id: impl Into<SmolStr>, label: Label, kind: GroupKind) -> usize {
        self.groups.push(Group {
            id: id.into(),
            label,
            kind,
        });
        self.groups.len() - 1
    }
}

/// A sequence diagram (the saga view in Mermaid).
#[derive(Debug, Clone, Default)]
pub struct Sequence {
    pub title: String,
    pub participants: Vec<Participant>,
    pub items: Vec<SequenceItem>,
}

#[derive(Debug, Clone)]
pub struct Participant {
    pub id: String,
    pub label: Label,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arrow {
    /// A command or call: solid arrow.
    Request,
    /// A reply: dashed arrow.
    Reply,
    /// An event or asynchronous message: open (async) arrow.
    Async,
    /// A compensation: dashed async arrow.
    Compensation,
}

#[derive(Debug, Clone)]
pub enum SequenceItem {
    Message {
        from: String,
        to: String,
        label: Label,
        arrow: Arrow,
    },
    Note {
        over: Vec<String>,
        label: Label,
    },
    /// The failure branch of a step: its compensation path, highlighted.
    Failure {
        label: Label,
        items: Vec<SequenceItem>,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_labels_wrap_at_spaces_and_keep_every_character() {
        let text = "아주 긴 이름을 가진 서비스 아주 긴 이름을 가진 서비스";
        let label = Label::new(text);
        assert!(label.lines().count() > 1);
        assert_eq!(label.join(" "), text);
        let word = "x".repeat(100);
        let label = Label::new(&word);
        assert!(label.lines().all(|l| l.len() <= MAX_WORD_WIDTH));
        assert_eq!(label.join(""), word);
        assert_eq!(Label::new("a\nb").lines().collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(Label::wide(text).lines().count(), 1);
        // No lines, and one empty line, stay apart: a line pushed after them differs.
        assert_eq!(Label::default().with("x").join("|"), "x");
        assert_eq!(Label::new("").with("x").join("|"), "|x");
        let mut label = Label::new("a");
        label.append(&Label::new("b\nc"));
        assert_eq!(label.join("|"), "a|b|c");
    }

    /// What lets `wrap` skip measuring a line of at most `max` bytes.
    #[test]
    fn no_text_is_wider_than_its_bytes() {
        for c in (0..=u32::from(char::MAX)).filter_map(char::from_u32) {
            let alone = c.to_string();
            assert!(width(&alone) <= alone.len(), "{c:?}");
            // A variation selector can widen the character before it.
            let emoji = format!("{c}\u{fe0f}");
            assert!(width(&emoji) <= emoji.len(), "{c:?}");
        }
    }
}
