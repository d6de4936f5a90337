//! The block-style emitter against serde-saphyr's own: any JSON tree (read from the
//! input as JSON), as a document's `root` and as the document, is written byte for byte
//! as serde-saphyr writes it, and reads back to the same tree.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mlflow_chart::emit;
use serde_json::{Value, json};

fuzz_target!(|data: &[u8]| {
    let Ok(tree) = serde_json::from_slice::<Value>(data) else { return };
    for doc in [json!({ "root": tree.clone() }), tree] {
        let Ok(theirs) = serde_saphyr::to_string(&doc) else { continue };
        let ours = emit::to_yaml(&doc).expect("emit");
        assert_eq!(ours, theirs);
        if doc.is_object() {
            let back: Value = serde_saphyr::from_str(&ours).expect("reads back");
            assert_eq!(back, doc);
        }
    }
});
