//! A generator of large, valid SRD specs for benchmarks and profiling.
//!
//! N services, each owning an aggregate with a 4-state lifecycle and about 7 relations
//! (an event to two subscribers, a command with replies, a one-way message, sync calls
//! that only go "forward" so there is no cycle, each passing on 0.2 calls per request
//! so the load stays within every capacity), a frontend with a `peak` per 50
//! services, and an orchestration saga per 10 services.

use std::fmt::Write;

/// The YAML text of a spec with `services` services.
pub fn generate(services: usize) -> String {
    let n = services.max(4);
    let mut out = String::with_capacity(n * 1800);
    let _ = writeln!(
        out,
        "edasmith: 1\nsystem: generated-{n}\ntargets:\n  availability: 99.0\nservices:"
    );
    for i in 0..n {
        let _ = writeln!(
            out,
            "  s{i:05}: {{ name: Service {i}, database: db-{i:05}, availability: 99.99, capacity: {} }}",
            5000 + (i % 7) * 1000
        );
    }
    for k in 0..n.div_ceil(50) {
        let _ = writeln!(
            out,
            "  web{k:03}: {{ name: Web {k}, kind: frontend, peak: {} }}",
            100 + k * 10
        );
    }
    let _ = writeln!(out, "  mailer: {{ name: Mailer, kind: external }}");
    let _ = writeln!(out, "data:");
    for i in 0..n {
        let _ = writeln!(
            out,
            "  Entity{i}:\n    owner: s{i:05}\n    fields: {{ id: uuid, owner_id: uuid, amount: decimal, created_at: datetime }}\n    states: [created, active, suspended, closed]\n    transitions:\n      - {{ event: Entity{i}Created, to: created }}\n      - {{ event: Entity{i}Activated, from: created, to: active }}\n      - {{ event: Entity{i}Suspended, from: active, to: suspended }}\n      - {{ event: Entity{i}Closed, from: [active, suspended], to: closed }}"
        );
    }
    let _ = writeln!(out, "relations:");
    for i in 0..n {
        let (a, b, c) = ((i + 1) % n, (i + 2) % n, (i + 3) % n);
        let _ = writeln!(
            out,
            "  - {{ from: s{i:05}, to: [s{a:05}, s{b:05}], type: event, message: Entity{i}Activated, data: Entity{i}, payload: [id, amount], needs: {{ s{a:05}: [id] }} }}"
        );
        let _ = writeln!(
            out,
            "  - {{ from: s{i:05}, to: s{c:05}, type: command, message: ProcessEntity{i}, data: Entity{c}, reply: [Entity{i}Processed, Entity{i}ProcessingFailed] }}"
        );
        let _ = writeln!(
            out,
            "  - {{ from: s{i:05}, to: mailer, type: message, message: SendEntity{i}Notice }}"
        );
        for step in [1, 5, 17, 101] {
            let j = i + step;
            if j < n {
                let _ = writeln!(
                    out,
                    "  - {{ from: s{i:05}, to: s{j:05}, type: sync, operation: GET /entities/{j}, rate: 0.2 }}"
                );
            }
        }
    }
    for k in 0..n.div_ceil(50) {
        let _ = writeln!(
            out,
            "  - {{ from: web{k:03}, to: s{:05}, type: sync, operation: GET /home, rate: 2 }}",
            k * 50
        );
    }
    let _ = writeln!(out, "sagas:");
    for i in (0..n).step_by(10) {
        let c = (i + 3) % n;
        let _ = writeln!(
            out,
            "  saga{i:05}:\n    style: orchestration\n    orchestrator: s{i:05}\n    steps:\n      - {{ service: s{i:05}, action: OpenEntity{i}, compensation: CancelEntity{i} }}\n      - {{ service: s{c:05}, action: ProcessEntity{i}, pivot: true }}\n      - {{ service: s{i:05}, action: CloseEntity{i}, on_failure: retry }}"
        );
    }
    out
}
