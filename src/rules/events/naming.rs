//! Heuristics on domain event names: does a name state a domain fact, a row change
//! (CDC), or an API call?
//!
//! A name is judged by the script of its last word: `SMS발송됨` by its Korean ending,
//! `계약Updated` by its English last word. English names may be PascalCase, camelCase,
//! snake_case or kebab-case. A name neither script can read (Chinese, emoji) is never
//! reported: a heuristic that cannot read the name must stay silent.

use crate::names::{ascii_words, final_consonant, is_hangul};

/// A name reduced to what the heuristics read.
enum Reading<'a> {
    /// Lower-case English words, with trailing `Event`/`Evt`/`V2` stripped.
    English(Vec<String>),
    /// The name without trailing punctuation, ending in Hangul.
    Korean(&'a str),
    Unreadable,
}

fn read(name: &str) -> Reading<'_> {
    let trimmed = name.trim_end_matches(|c: char| !c.is_alphanumeric());
    match trimmed.chars().next_back() {
        Some(c) if is_hangul(c) => Reading::Korean(trimmed),
        Some(c) if c.is_ascii_alphanumeric() => Reading::English(english_words(name)),
        _ => Reading::Unreadable,
    }
}

/// The English words of a name; anything but ASCII letters and digits separates words
/// (so Hangul parts of a mixed name are ignored here).
fn english_words(name: &str) -> Vec<String> {
    let mut words: Vec<String> = name
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|segment| !segment.is_empty())
        .filter_map(ascii_words)
        .flatten()
        .collect();
    // `OrderPaidEvent`, `OrderPaidV2`: the suffix is packaging, not the name's meaning.
    while words.len() > 1 && words.last().is_some_and(|w| is_packaging_suffix(w)) {
        words.pop();
    }
    words
}

fn is_packaging_suffix(word: &str) -> bool {
    matches!(word, "event" | "evt" | "msg")
        || word
            .strip_prefix('v')
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// Past participles that describe a row change rather than a domain change.
const CDC_PARTICIPLES: &[&str] = &[
    "updated", "modified", "changed", "inserted", "upserted", "deleted", "saved",
];

/// Storage words: `OrderRowCreated`, `CustomerRecordAdded` speak of the table.
const STORAGE_WORDS: &[&str] = &["row", "rows", "record", "records", "table", "tables"];
/// What happens to a storage word in a CDC feed (a `RecordHolderNotified` is no row).
const STORAGE_VERBS: &[&str] = &[
    "created",
    "added",
    "removed",
    "written",
    "stored",
    "persisted",
    "loaded",
    "merged",
];

/// Korean stems of a row change (수정 edit, 변경 change, 삭제 delete, 저장 save, 갱신 and
/// 업데이트 update) and the endings that make them a fact.
const KOREAN_CDC_STEMS: &[&str] = &["수정", "변경", "삭제", "저장", "갱신", "업데이트"];
const KOREAN_FACT_ENDINGS: &[&str] = &["됨", "되었음", "됐음", "완료"];
const KOREAN_STORAGE_WORDS: &[&str] = &["테이블", "레코드", "로우"];
/// What happens to a storage word: 등록 register, 생성 create, 추가 add, 입력 insert, 적재 load.
const KOREAN_STORAGE_STEMS: &[&str] = &["등록", "생성", "추가", "입력", "적재"];

/// The part of the name that makes it read like a row change (`Updated`, `변경됨`,
/// `Record`), or `None`.
pub fn cdc_style(name: &str) -> Option<String> {
    match read(name) {
        Reading::English(words) => {
            let last = words.last()?;
            if CDC_PARTICIPLES.contains(&last.as_str()) {
                return Some(last.clone());
            }
            let storage = words.iter().find(|w| STORAGE_WORDS.contains(&w.as_str()))?;
            STORAGE_VERBS
                .contains(&last.as_str())
                .then(|| storage.clone())
        }
        Reading::Korean(name) => korean_cdc(name),
        Reading::Unreadable => None,
    }
}

fn korean_cdc(name: &str) -> Option<String> {
    for ending in KOREAN_FACT_ENDINGS {
        let Some(stem) = name.strip_suffix(ending) else {
            continue;
        };
        if let Some(cdc) = KOREAN_CDC_STEMS.iter().find(|s| stem.ends_with(*s)) {
            return Some(format!("{cdc}{ending}"));
        }
        if KOREAN_STORAGE_STEMS.iter().any(|s| stem.ends_with(*s))
            && let Some(word) = KOREAN_STORAGE_WORDS.iter().find(|w| stem.contains(*w))
        {
            return Some((*word).to_owned());
        }
    }
    None
}

/// First words of a call: an HTTP method or a read.
const API_VERBS: &[&str] = &["get", "post", "put", "patch", "fetch", "retrieve"];
/// Last words of an interface: a request, an endpoint, an interface (`IF`).
const API_NOUNS: &[&str] = &[
    "request",
    "requests",
    "req",
    "response",
    "resp",
    "api",
    "apis",
    "interface",
    "if",
    "endpoint",
    "rpc",
    "dto",
];
/// Korean endings of an interface list: 요청 request, 조회 inquiry, 호출 call,
/// 인터페이스 interface, 연동 (EAI) integration.
const KOREAN_API_ENDINGS: &[&str] = &["요청", "조회", "호출", "인터페이스", "연동"];

/// The part of the name that makes it read like an API or an interface (`Get`,
/// `Request`, `IF`, `조회`), or `None`.
pub fn api_style(name: &str) -> Option<String> {
    if name.to_ascii_lowercase().contains("i/f") {
        return Some("I/F".to_owned());
    }
    match read(name) {
        Reading::English(words) => {
            let first = words.first()?;
            let last = words.last()?;
            // `GetOrder` is a call; `PostPublished` is a fact about a (blog) post.
            if API_VERBS.contains(&first.as_str()) && words.len() > 1 && !english_fact(&words) {
                return Some(first.clone());
            }
            API_NOUNS.contains(&last.as_str()).then(|| last.clone())
        }
        Reading::Korean(name) => KOREAN_API_ENDINGS
            .iter()
            .find(|ending| name.ends_with(*ending))
            .map(|ending| (*ending).to_owned()),
        Reading::Unreadable => None,
    }
}

/// Whether the name states a fact: `Some(false)` when it clearly does not, `None` when
/// the name cannot be read.
pub fn states_a_fact(name: &str) -> Option<bool> {
    match read(name) {
        Reading::English(words) => Some(english_fact(&words)),
        Reading::Korean(name) => Some(korean_fact(name)),
        Reading::Unreadable => None,
    }
}

/// Words that may follow a participle: `ItemAddedToCart`, `OrderPickedUp`.
const PREPOSITIONS: &[&str] = &[
    "to", "from", "by", "for", "on", "in", "at", "into", "onto", "with", "via", "after", "before",
    "out", "off", "up", "down", "back", "over", "as", "of",
];

fn english_fact(words: &[String]) -> bool {
    let Some(last) = words.last() else {
        return false;
    };
    if is_participle_word(last) {
        return true;
    }
    words
        .windows(2)
        .any(|pair| is_participle_word(&pair[0]) && PREPOSITIONS.contains(&pair[1].as_str()))
}

/// Participles not formed with `-ed` (and a few of their compounds).
const IRREGULAR_PARTICIPLES: &[&str] = &[
    "arisen",
    "awoken",
    "been",
    "begun",
    "bent",
    "bid",
    "bitten",
    "blown",
    "born",
    "borne",
    "bought",
    "bound",
    "broadcast",
    "broken",
    "brought",
    "built",
    "burnt",
    "cast",
    "caught",
    "chosen",
    "come",
    "cut",
    "dealt",
    "done",
    "drawn",
    "driven",
    "dug",
    "eaten",
    "fallen",
    "fed",
    "felt",
    "fled",
    "flown",
    "forbidden",
    "forecast",
    "forgiven",
    "forgotten",
    "fought",
    "found",
    "frozen",
    "given",
    "gone",
    "got",
    "gotten",
    "grown",
    "held",
    "hidden",
    "hit",
    "hung",
    "hurt",
    "kept",
    "known",
    "laid",
    "lain",
    "led",
    "learnt",
    "left",
    "lent",
    "let",
    "lit",
    "lost",
    "made",
    "meant",
    "met",
    "mistaken",
    "outbid",
    "overcome",
    "overdrawn",
    "overridden",
    "overtaken",
    "overthrown",
    "paid",
    "prepaid",
    "proven",
    "put",
    "quit",
    "read",
    "rebuilt",
    "redone",
    "remade",
    "repaid",
    "reread",
    "resent",
    "reset",
    "retaken",
    "rewritten",
    "ridden",
    "risen",
    "run",
    "rung",
    "said",
    "seen",
    "sent",
    "set",
    "shaken",
    "shot",
    "shown",
    "shut",
    "slain",
    "slept",
    "sold",
    "sought",
    "spent",
    "split",
    "spoken",
    "spread",
    "stolen",
    "stood",
    "struck",
    "sung",
    "sunk",
    "swept",
    "sworn",
    "taken",
    "taught",
    "thought",
    "thrown",
    "told",
    "torn",
    "undergone",
    "understood",
    "undertaken",
    "undone",
    "unfrozen",
    "upheld",
    "upset",
    "withdrawn",
    "withheld",
    "won",
    "woken",
    "worn",
    "written",
];

/// Words ending in `-eed` that are participles (`need`, `feed`, `exceed` are not).
const EED_PARTICIPLES: &[&str] = &[
    "agreed",
    "decreed",
    "disagreed",
    "freed",
    "guaranteed",
    "refereed",
];

/// Words ending in `-ed` that are no participles.
const NOT_PARTICIPLES: &[&str] = &[
    "bed", "embed", "hundred", "infrared", "med", "red", "seabed", "shed", "sled", "ted",
];

fn is_participle_word(word: &str) -> bool {
    if IRREGULAR_PARTICIPLES.contains(&word) || EED_PARTICIPLES.contains(&word) {
        return true;
    }
    word.len() > 3
        && word.ends_with("ed")
        && !word.ends_with("eed")
        && !NOT_PARTICIPLES.contains(&word)
}

/// Korean facts: `…됨` (passive, done), `…완료` (completed), `…실패`/`…성공` (the outcome
/// as a noun: 결제실패 = payment failed), or a past-tense `…았/었음`, `…했다`.
fn korean_fact(name: &str) -> bool {
    if ["됨", "완료", "실패", "성공"]
        .iter()
        .any(|ending| name.ends_with(ending))
    {
        return true;
    }
    let mut tail = name.chars().rev();
    let (Some(last), Some(before)) = (tail.next(), tail.next()) else {
        return false;
    };
    matches!(last, '음' | '다') && has_past_batchim(before)
}

/// The syllable carries the final consonant ㅆ of the past tense (했, 었, 았, 됐, 였...).
fn has_past_batchim(c: char) -> bool {
    const SSANG_SIOT: u32 = 20;
    final_consonant(c) == Some(SSANG_SIOT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facts_in_english_and_korean() {
        for name in [
            "OrderPaid",
            "StockReserved",
            "ShipmentSent",
            "CustomerVerified",
            "order_paid",
            "order-paid",
            "ORDER_PAID",
            "orderPaid",
            "ContractTerminated",
            "OrderCancelled",
            "ItemAddedToCart",
            "OrderPickedUp",
            "UserLoggedIn",
            "AccountSetUp",
            "CartCheckedOut",
            "OrderPaidEvent",
            "OrderPaidV2",
            "TermsAgreed",
            "PaymentGuaranteed",
            "HTTPRequestFailed",
            "계약해지됨",
            "신규계약처리됨",
            "수납완료",
            "결제실패",
            "결제했음",
            "주문되었음",
            "배송했다",
            "SMS발송됨",
        ] {
            assert_eq!(states_a_fact(name), Some(true), "{name}");
        }
    }

    #[test]
    fn not_facts() {
        for name in [
            "TerminateContract",
            "OrderProcessing",
            "PaymentComplete",
            "NewsFeed",
            "LimitExceed",
            "OrderShed",
            "Event",
            "계약해지",
            "해지요청",
            "SMS발송",
        ] {
            assert_eq!(states_a_fact(name), Some(false), "{name}");
        }
        assert_eq!(states_a_fact("合同"), None);
        assert_eq!(states_a_fact(""), None);
    }

    #[test]
    fn row_changes_are_cdc_style() {
        assert_eq!(cdc_style("OrderUpdated").as_deref(), Some("updated"));
        assert_eq!(cdc_style("customer_modified").as_deref(), Some("modified"));
        assert_eq!(cdc_style("OrderStatusChanged").as_deref(), Some("changed"));
        assert_eq!(
            cdc_style("ContractRowInserted").as_deref(),
            Some("inserted")
        );
        assert_eq!(cdc_style("OrderUpsertedEvent").as_deref(), Some("upserted"));
        assert_eq!(cdc_style("OrderRecordCreated").as_deref(), Some("record"));
        assert_eq!(cdc_style("계약수정됨").as_deref(), Some("수정됨"));
        assert_eq!(cdc_style("고객정보변경됨").as_deref(), Some("변경됨"));
        assert_eq!(cdc_style("주문삭제되었음").as_deref(), Some("삭제되었음"));
        assert_eq!(cdc_style("계약테이블등록됨").as_deref(), Some("테이블"));
    }

    #[test]
    fn domain_changes_are_not_cdc_style() {
        for name in [
            "OrderPaid",
            "ContractTerminated",
            "TableReserved",
            "RecordHolderNotified",
            "UpdateOrder",
            "DeletedItemsRestored",
            "계약해지됨",
            "변경요청됨",
            "테이블예약됨",
            "合同",
        ] {
            assert_eq!(cdc_style(name), None, "{name}");
        }
    }

    #[test]
    fn interfaces_are_api_style() {
        assert_eq!(api_style("GetOrder").as_deref(), Some("get"));
        assert_eq!(api_style("post_order").as_deref(), Some("post"));
        assert_eq!(api_style("FetchCustomerProfile").as_deref(), Some("fetch"));
        assert_eq!(api_style("OrderRequest").as_deref(), Some("request"));
        assert_eq!(api_style("PaymentApi").as_deref(), Some("api"));
        assert_eq!(api_style("BillingAPI").as_deref(), Some("api"));
        assert_eq!(api_style("CustomerInterface").as_deref(), Some("interface"));
        assert_eq!(api_style("OrderIF").as_deref(), Some("if"));
        assert_eq!(api_style("고객IF").as_deref(), Some("if"));
        assert_eq!(api_style("수납I/F").as_deref(), Some("I/F"));
        assert_eq!(api_style("고객정보조회").as_deref(), Some("조회"));
        assert_eq!(api_style("해지요청").as_deref(), Some("요청"));
    }

    #[test]
    fn facts_are_not_api_style() {
        for name in [
            "ReturnRequested",
            "OrderPosted",
            "TargetSet",
            "GetawayBooked",
            "Get",
            "PutawayCompleted",
            "PostPublished",
            "post_liked",
            "GetawayBooked",
            "해지요청됨",
            "조회수증가됨",
        ] {
            assert_eq!(api_style(name), None, "{name}");
        }
    }
}
