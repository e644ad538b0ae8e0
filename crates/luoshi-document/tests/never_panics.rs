//! Arbitrary bytes never panic the reader, whatever name they come with.

use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..2000), ext in prop::sample::select(vec!["a.txt", "a.md", "a.docx", "a.html"])) {
        let _ = luoshi_document::read(ext, &bytes);
    }

    #[test]
    fn arbitrary_bytes_behind_a_zip_signature(tail in prop::collection::vec(any::<u8>(), 0..2000)) {
        let mut bytes = b"PK\x03\x04".to_vec();
        bytes.extend(tail);
        let _ = luoshi_document::read("a.docx", &bytes);
    }

    #[test]
    fn arbitrary_html(text in "(<[a-z/!]{0,6}[^>]{0,10}>|&[a-z#0-9]{0,6};?|[\\u4e00-\\u9fff]{0,5}|[ \\n])*") {
        let _ = luoshi_document::read("a.html", text.as_bytes());
    }
}
