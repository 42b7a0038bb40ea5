//! Tests of the YAML tree builder: spans, tags, comments, errors and limits.

use super::*;

fn src<'a>(text: &'a str, node: &Node) -> &'a str {
    &text[node.span.clone()]
}

fn scalar(node: &Node) -> (&str, bool) {
    match &node.kind {
        NodeKind::Scalar { text, plain } => (text.as_str(), *plain),
        other => panic!("expected scalar, got {other:?}"),
    }
}

fn err(text: &str) -> YamlError {
    match parse(text) {
        Ok(doc) => panic!("expected an error for {text:?}, got {doc:?}"),
        Err(e) => e,
    }
}

fn ok(text: &str) -> YamlDoc {
    match parse(text) {
        Ok(doc) => doc,
        Err(e) => panic!("unexpected error for {text:?}: {e:?}"),
    }
}

#[test]
fn scalar_map_seq_spans() {
    let text = "a: 1\nb:\n  - x\n  - 'y z'\n  - \"q\"\nc: {d: e, f: [1, 2]}\n\n# trailing\n\n";
    let doc = ok(text);
    let root = &doc.root;
    assert_eq!(
        src(text, root),
        "a: 1\nb:\n  - x\n  - 'y z'\n  - \"q\"\nc: {d: e, f: [1, 2]}"
    );
    let entries = root.entries();
    assert_eq!(entries.len(), 3);
    assert_eq!(src(text, &entries[0].0), "a");
    assert_eq!(src(text, &entries[0].1), "1");
    assert_eq!(scalar(&entries[0].1), ("1", true));
    let b = root.get("b").unwrap();
    assert_eq!(src(text, b), "- x\n  - 'y z'\n  - \"q\"");
    assert_eq!(b.items().len(), 3);
    assert_eq!(scalar(&b.items()[1]), ("y z", false));
    assert_eq!(src(text, &b.items()[1]), "'y z'");
    assert_eq!(scalar(&b.items()[2]), ("q", false));
    let c = root.get("c").unwrap();
    assert_eq!(src(text, c), "{d: e, f: [1, 2]}");
    assert_eq!(src(text, c.get("f").unwrap()), "[1, 2]");
    assert_eq!(c.get("f").unwrap().items()[1].as_str(), Some("2"));
    assert!(root.get("zzz").is_none());
    assert!(root.items().is_empty());
    assert!(b.entries().is_empty());
    assert_eq!(doc.comments.len(), 1);
    assert_eq!(doc.comments[0].text, " trailing");
    assert_eq!(&text[doc.comments[0].span.clone()], "# trailing");
}

#[test]
fn nested_block_collections_end_at_last_child() {
    let text = "Resources:\n  A:\n    Type: X\n    Properties:\n      - 1\n      - 2\n\n\n# c\n  # d\nOutputs: {}\n";
    let doc = ok(text);
    let res = doc.root.get("Resources").unwrap();
    assert_eq!(
        src(text, res),
        "A:\n    Type: X\n    Properties:\n      - 1\n      - 2"
    );
    let props = res.get("A").unwrap().get("Properties").unwrap();
    assert_eq!(src(text, props), "- 1\n      - 2");
    assert_eq!(src(text, &doc.root), &text[..text.len() - 1]);
    assert_eq!(
        doc.comments
            .iter()
            .map(|c| c.text.as_str())
            .collect::<Vec<_>>(),
        [" c", " d"]
    );
}

#[test]
fn empty_values_at_the_end_of_block_collections() {
    let text = "a:\n  - \n  -\n\n# c\n";
    let doc = ok(text);
    let a = doc.root.get("a").unwrap();
    assert_eq!(src(text, a), "- \n  -");
    assert_eq!(a.items().len(), 2);
    assert!(a.items().iter().all(Node::is_null));
    assert_eq!(src(text, &doc.root), "a:\n  - \n  -");

    let text = "a:\n  b:\n  c:   \n\nd:\n";
    let doc = ok(text);
    assert_eq!(src(text, doc.root.get("a").unwrap()), "b:\n  c:");
    assert_eq!(src(text, &doc.root), "a:\n  b:\n  c:   \n\nd:");

    let text = "? [c]\n\n";
    let doc = ok(text);
    assert_eq!(src(text, &doc.root), "? [c]");
}

#[test]
fn nulls() {
    let text = "a:\nb: ~\nc: null\nd: NULL\ne: ''\nf: !!null\ng: nil\n";
    let doc = ok(text);
    let r = &doc.root;
    let a = r.get("a").unwrap();
    assert!(a.is_null());
    assert_eq!(a.as_str(), Some(""));
    assert!(a.span.is_empty());
    assert!(r.get("b").unwrap().is_null());
    assert!(r.get("c").unwrap().is_null());
    assert!(r.get("d").unwrap().is_null());
    assert!(!r.get("e").unwrap().is_null());
    assert!(
        !r.get("f").unwrap().is_null(),
        "tagged nodes are not plain nulls"
    );
    assert!(!r.get("g").unwrap().is_null());
}

#[test]
fn short_form_tags() {
    let text = "a: !Ref X\nb: !GetAtt A.B\nc: !Sub |\n  hello ${X}\n\n# after\nd: !If [C, a, b]\ne: !Join ['', [x, !Ref Y]]\nf: !Sub\n  - '${A}'\n  - A: !Ref B\n";
    let doc = ok(text);
    let r = &doc.root;
    let a = r.get("a").unwrap();
    assert_eq!(a.tag_name(), Some("Ref"));
    assert_eq!(a.as_str(), Some("X"));
    assert_eq!(src(text, a), "!Ref X");
    assert_eq!(&text[a.tag.as_ref().unwrap().span.clone()], "!Ref");

    let b = r.get("b").unwrap();
    assert_eq!(b.tag_name(), Some("GetAtt"));
    assert_eq!(src(text, b), "!GetAtt A.B");
    assert_eq!(b.as_str(), Some("A.B"));

    let c = r.get("c").unwrap();
    assert_eq!(c.tag_name(), Some("Sub"));
    assert_eq!(scalar(c), ("hello ${X}\n", false));
    assert_eq!(src(text, c), "!Sub |\n  hello ${X}");
    assert_eq!(&text[c.tag.as_ref().unwrap().span.clone()], "!Sub");

    let d = r.get("d").unwrap();
    assert_eq!(d.tag_name(), Some("If"));
    assert_eq!(src(text, d), "!If [C, a, b]");
    assert_eq!(
        d.items()
            .iter()
            .map(|n| n.as_str().unwrap())
            .collect::<Vec<_>>(),
        ["C", "a", "b"]
    );

    let e = r.get("e").unwrap();
    assert_eq!(e.tag_name(), Some("Join"));
    assert_eq!(src(text, e), "!Join ['', [x, !Ref Y]]");
    assert_eq!(scalar(&e.items()[0]), ("", false));
    let inner = &e.items()[1].items()[1];
    assert_eq!(inner.tag_name(), Some("Ref"));
    assert_eq!(src(text, inner), "!Ref Y");

    let f = r.get("f").unwrap();
    assert_eq!(f.tag_name(), Some("Sub"));
    assert_eq!(src(text, f), "!Sub\n  - '${A}'\n  - A: !Ref B");
    assert_eq!(f.items()[1].get("A").unwrap().tag_name(), Some("Ref"));
}

#[test]
fn all_cloudformation_short_forms() {
    let names = [
        "Ref",
        "GetAtt",
        "Sub",
        "If",
        "Join",
        "Select",
        "FindInMap",
        "Base64",
        "ImportValue",
        "GetAZs",
        "Equals",
        "Not",
        "And",
        "Or",
        "Condition",
        "Split",
        "Cidr",
    ];
    let text: String = names.iter().map(|n| format!("- !{n} v\n")).collect();
    let doc = ok(&text);
    let got: Vec<&str> = doc
        .root
        .items()
        .iter()
        .map(|n| n.tag_name().unwrap())
        .collect();
    assert_eq!(got, names);
    for (item, name) in doc.root.items().iter().zip(names) {
        assert_eq!(src(&text, item), format!("!{name} v"));
    }
}

#[test]
fn nested_tags_in_flow_and_block() {
    let text = "V: !Select [0, !GetAZs !Ref AWS::Region]\n";
    // `!GetAZs !Ref` is two tags on one node: an error with the hint.
    let e = err(text);
    assert!(
        e.message.contains("short-form tag directly after another"),
        "{e:?}"
    );

    let text = "V: !Select [0, !GetAZs {Ref: AWS::Region}]\nW: !Equals [!Ref Env, prod]\n";
    let doc = ok(text);
    let v = doc.root.get("V").unwrap();
    assert_eq!(v.tag_name(), Some("Select"));
    let azs = &v.items()[1];
    assert_eq!(azs.tag_name(), Some("GetAZs"));
    assert_eq!(src(text, azs), "!GetAZs {Ref: AWS::Region}");
    assert_eq!(azs.get("Ref").unwrap().as_str(), Some("AWS::Region"));
    let w = doc.root.get("W").unwrap();
    assert_eq!(src(text, &w.items()[0]), "!Ref Env");
}

#[test]
fn other_tags() {
    let text = "a: !!str 12\nb: !<tag:foo> bar\nc: ! x\nd: !<!Ref> y\ne: &anc !Ref z\n";
    let doc = ok(text);
    let r = &doc.root;
    let a = r.get("a").unwrap();
    assert_eq!(a.tag_name(), Some("tag:yaml.org,2002:str"));
    assert_eq!(&text[a.tag.as_ref().unwrap().span.clone()], "!!str");
    assert_eq!(src(text, a), "!!str 12");
    assert_eq!(r.get("b").unwrap().tag_name(), Some("tag:foo"));
    assert_eq!(src(text, r.get("b").unwrap()), "!<tag:foo> bar");
    assert_eq!(r.get("c").unwrap().tag_name(), Some("!"));
    assert_eq!(r.get("d").unwrap().tag_name(), Some("Ref"));
    assert_eq!(src(text, r.get("e").unwrap()), "!Ref z");
}

#[test]
fn block_scalars() {
    let text =
        "a: |\n  line1\n  line2\n\n\nb: >-\n   x\n   y\nc: | # header comment\n  z\nd: |\n\ne: x\n";
    let doc = ok(text);
    let r = &doc.root;
    let a = r.get("a").unwrap();
    assert_eq!(scalar(a), ("line1\nline2\n", false));
    assert_eq!(src(text, a), "|\n  line1\n  line2");
    let b = r.get("b").unwrap();
    assert_eq!(scalar(b), ("x y", false));
    assert_eq!(src(text, b), ">-\n   x\n   y");
    let c = r.get("c").unwrap();
    assert_eq!(src(text, c), "| # header comment\n  z");
    let d = r.get("d").unwrap();
    assert_eq!(scalar(d), ("", false));
    assert_eq!(src(text, d), "|");
    assert_eq!(doc.comments.len(), 1);
    assert_eq!(doc.comments[0].text, " header comment");

    let text = "- |\n  one\n- >\n  two\n";
    let doc = ok(text);
    assert_eq!(src(text, &doc.root.items()[0]), "|\n  one");
    assert_eq!(src(text, &doc.root.items()[1]), ">\n  two");
    assert_eq!(src(text, &doc.root), "- |\n  one\n- >\n  two");

    let text = "--- >\n";
    let doc = ok(text);
    assert_eq!(src(text, &doc.root), ">");
}

#[test]
fn comments_with_spans() {
    let text = "# head\na: 1 # right\n# above b\nb: |  # hdr\n  x\n";
    let doc = ok(text);
    let got: Vec<(&str, &str)> = doc
        .comments
        .iter()
        .map(|c| (c.text.as_str(), &text[c.span.clone()]))
        .collect();
    assert_eq!(
        got,
        [
            (" head", "# head"),
            (" right", "# right"),
            (" above b", "# above b"),
            (" hdr", "# hdr"),
        ]
    );
}

#[test]
fn only_comments_and_empty() {
    for text in ["", "   \n\n", "\t", "# only\n# comments\n", "\u{feff}"] {
        let doc = ok(text);
        assert!(doc.root.is_null(), "{text:?}");
        assert_eq!(doc.root.span, 0..0);
        assert!(doc.root.tag.is_none());
    }
    let doc = ok("# only\n# comments\n");
    assert_eq!(doc.comments.len(), 2);
    assert_eq!(doc.comments[1].span, 7..17);
    let doc = ok("---\n");
    assert!(doc.root.is_null());
}

#[test]
fn bom_and_crlf() {
    let text = "\u{feff}a: 1\r\nb:\r\n  - x # c\r\n  - \"y\"\r\n\r\nc: |\r\n  l1\r\n  l2\r\n";
    let doc = ok(text);
    let r = &doc.root;
    assert_eq!(r.span.start, 3);
    assert_eq!(src(text, &r.entries()[0].0), "a");
    assert_eq!(src(text, r.get("a").unwrap()), "1");
    let b = r.get("b").unwrap();
    assert_eq!(src(text, b), "- x # c\r\n  - \"y\"");
    assert_eq!(src(text, &b.items()[1]), "\"y\"");
    let c = r.get("c").unwrap();
    assert_eq!(src(text, c), "|\r\n  l1\r\n  l2");
    assert_eq!(c.as_str(), Some("l1\nl2\n"));
    assert_eq!(doc.comments.len(), 1);
    assert_eq!(doc.comments[0].text, " c");
    assert_eq!(&text[doc.comments[0].span.clone()], "# c");
    assert!(src(text, r).ends_with("l2"));
}

#[test]
fn json_input() {
    let text = r#"{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"A": {"Type": "AWS::EC2::EIP", "P": [1, -2.5e3, true, false, null, "\ud83d\ude00 é"]}}}"#;
    let doc = ok(text);
    let r = &doc.root;
    assert_eq!(src(text, r), text);
    let v = r.get("AWSTemplateFormatVersion").unwrap();
    assert_eq!(scalar(v), ("2010-09-09", false));
    assert_eq!(src(text, v), "\"2010-09-09\"");
    let a = r.get("Resources").unwrap().get("A").unwrap();
    assert_eq!(a.get("Type").unwrap().as_str(), Some("AWS::EC2::EIP"));
    let p = a.get("P").unwrap();
    let items = p.items();
    assert_eq!(scalar(&items[0]), ("1", true));
    assert_eq!(scalar(&items[1]), ("-2.5e3", true));
    assert_eq!(scalar(&items[2]), ("true", true));
    assert_eq!(scalar(&items[3]), ("false", true));
    assert!(items[4].is_null());
    assert_eq!(scalar(&items[5]), ("\u{1F600} é", false));
    assert_eq!(src(text, &items[5]), r#""\ud83d\ude00 é""#);
    // Keys are quoted (non-plain) scalars with spans including quotes.
    assert_eq!(src(text, &r.entries()[0].0), "\"AWSTemplateFormatVersion\"");

    let pretty = "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": {}\n}\n";
    let doc = ok(pretty);
    assert_eq!(
        src(pretty, doc.root.get("a").unwrap()),
        "[\n    1,\n    2\n  ]"
    );
    assert_eq!(src(pretty, doc.root.get("b").unwrap()), "{}");
}

#[test]
fn json_lone_surrogate_is_error() {
    let e = err(r#"{"a": "\ud83d"}"#);
    assert!(e.span.end <= 15);
}

#[test]
fn duplicate_keys() {
    let text = "Resources:\n  A: 1\n  B: 2\n  A: 3\n";
    let e = err(text);
    assert_eq!(e.message, "duplicate key `A`");
    assert_eq!(e.span, 27..28);
    assert_eq!(e.related, vec![("first defined here".to_owned(), 13..14)]);

    // Quoted and plain spellings of the same key; large map (hash path).
    let mut text: String = (0..20).map(|i| format!("k{i}: v\n")).collect();
    text.push_str("\"k7\": again\n");
    let e = err(&text);
    assert_eq!(e.message, "duplicate key `k7`");
    assert_eq!(&text[e.span.clone()], "\"k7\"");
    assert_eq!(&text[e.related[0].1.clone()], "k7");

    let e = err(r#"{"a": 1, "b": {"x": 1, "x": 2}}"#);
    assert_eq!(e.message, "duplicate key `x`");
    assert_eq!(e.span, 23..26);
    assert_eq!(e.related[0].1, 15..18);
}

#[test]
fn anchors_and_aliases() {
    let text = "base: &b {x: 1, y: [2]}\nuse: *b\nlist: [*b, &s str, *s]\n";
    let doc = ok(text);
    let r = &doc.root;
    let base = r.get("base").unwrap();
    let used = r.get("use").unwrap();
    assert_eq!(base, used, "alias clones keep the anchor's spans");
    assert_eq!(src(text, used), "{x: 1, y: [2]}");
    let list = r.get("list").unwrap();
    assert_eq!(
        list.items()[0].get("y").unwrap().items()[0].as_str(),
        Some("2")
    );
    assert_eq!(list.items()[2].as_str(), Some("str"));
    // Containing collections still end at the alias token.
    assert_eq!(src(text, r), text.trim_end());
    let text = "a: &x 1\nb: *x";
    assert_eq!(src(text, &ok(text).root), text);
}

#[test]
fn unknown_and_recursive_alias() {
    let e = err("a: 1\nb: *nope\n");
    assert!(e.message.contains("*nope"), "{e:?}");
    assert_eq!(e.span, 8..13);
    let e = err("a: &r [1, *r]\n");
    assert!(e.message.contains("recursive alias `*r`"), "{e:?}");
    assert_eq!(e.span, 10..12);
}

#[test]
fn alias_bomb() {
    let text = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
";
    let started = std::time::Instant::now();
    let e = err(text);
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    assert_eq!(
        e.message,
        "YAML alias expansion exceeds 2000000 nodes (alias bomb?)"
    );
    assert_eq!(&text[e.span.clone()], "*f");

    let small = Limits {
        max_depth: 128,
        max_nodes: 100,
    };
    let e = parse_with_limits(
        "a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9]\nb: [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n",
        small,
    )
    .unwrap_err();
    assert_eq!(
        e.message,
        "YAML alias expansion exceeds 100 nodes (alias bomb?)"
    );
}

#[test]
fn node_limit_without_aliases() {
    let limits = Limits {
        max_depth: 128,
        max_nodes: 10,
    };
    let e = parse_with_limits("[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]", limits).unwrap_err();
    assert_eq!(e.message, "YAML document exceeds 10 nodes");
    assert!(parse_with_limits("[1, 2, 3, 4, 5, 6, 7, 8, 9]", limits).is_ok());
}

#[test]
fn deep_flow_nesting() {
    let text = "[".repeat(200_000);
    let e = err(&text);
    assert_eq!(e.message, "nesting deeper than 128 levels");
    assert!(e.span.start <= 200, "{e:?}");

    let text = format!("{}{}", "[".repeat(128), "]".repeat(128));
    let doc = ok(&text);
    assert_eq!(src(&text, &doc.root), text);

    let text = format!("{}{}", "[".repeat(129), "]".repeat(129));
    assert_eq!(err(&text).message, "nesting deeper than 128 levels");

    let text = "{a: [".repeat(50_000);
    assert_eq!(err(&text).message, "nesting deeper than 128 levels");

    let limits = Limits {
        max_depth: 5,
        max_nodes: 1000,
    };
    let e = parse_with_limits("a: [[[[[[1]]]]]]", limits).unwrap_err();
    assert_eq!(e.message, "nesting deeper than 5 levels");
    assert_eq!(e.span, 7..8);

    // Huge limits are capped, and still stack-safe.
    let limits = Limits {
        max_depth: usize::MAX,
        max_nodes: usize::MAX,
    };
    let e = parse_with_limits(&"[".repeat(200_000), limits).unwrap_err();
    assert_eq!(
        e.message,
        format!("nesting deeper than {HARD_MAX_DEPTH} levels")
    );
    let text = format!(
        "{}{}",
        "[".repeat(HARD_MAX_DEPTH),
        "]".repeat(HARD_MAX_DEPTH)
    );
    let doc = parse_with_limits(&text, limits).unwrap();
    let copy = doc.clone();
    assert_eq!(doc, copy);
    assert!(!format!("{copy:?}").is_empty());
}

#[test]
fn deep_block_nesting() {
    let text = format!("{}x\n", "- ".repeat(100_000));
    assert_eq!(err(&text).message, "nesting deeper than 128 levels");
    let mut text = String::new();
    for i in 0..100_000 {
        text.push_str(&" ".repeat(i.min(300)));
        text.push_str("- \n");
    }
    let _ = parse(&text);
    let mut text = String::new();
    for i in 0..1000 {
        text.push_str(&" ".repeat(i));
        text.push_str("k:\n");
    }
    assert_eq!(err(&text).message, "nesting deeper than 128 levels");
    let text = format!("{}x\n", "- ".repeat(128));
    let doc = ok(&text);
    assert_eq!(src(&text, &doc.root), text.trim_end());
}

#[test]
fn alias_expansion_respects_depth() {
    let limits = Limits {
        max_depth: 4,
        max_nodes: 1000,
    };
    let e = parse_with_limits("a: &a [[1]]\nb: [[*a]]\n", limits).unwrap_err();
    assert_eq!(e.message, "nesting deeper than 4 levels");
    assert!(parse_with_limits("a: &a [[1]]\nb: [*a]\n", limits).is_ok());
}

#[test]
fn merge_keys() {
    let text = "base: &base {a: 1, b: 2}\nother: &other {b: 20, c: 30}\nm1:\n  <<: *base\n  b: explicit\nm2:\n  x: 0\n  <<: [*other, *base]\n  c: own\n";
    let doc = ok(text);
    let m1 = doc.root.get("m1").unwrap();
    let keys: Vec<&str> = m1
        .entries()
        .iter()
        .map(|(k, _)| k.as_str().unwrap())
        .collect();
    assert_eq!(keys, ["a", "b"]);
    assert_eq!(m1.get("a").unwrap().as_str(), Some("1"));
    assert_eq!(m1.get("b").unwrap().as_str(), Some("explicit"));
    let m2 = doc.root.get("m2").unwrap();
    let pairs: Vec<(&str, &str)> = m2
        .entries()
        .iter()
        .map(|(k, v)| (k.as_str().unwrap(), v.as_str().unwrap()))
        .collect();
    assert_eq!(pairs, [("x", "0"), ("b", "20"), ("a", "1"), ("c", "own")]);
    assert_eq!(src(text, m2), "x: 0\n  <<: [*other, *base]\n  c: own");

    let e = err("a: {<<: 1}\n");
    assert!(e.message.contains("merge key"), "{e:?}");
    assert_eq!(e.span, 8..9);
    // A quoted "<<" is an ordinary key.
    let doc = ok("a: {\"<<\": 1}\n");
    assert_eq!(
        doc.root.get("a").unwrap().get("<<").unwrap().as_str(),
        Some("1")
    );
}

#[test]
fn multiple_documents() {
    // `parse` accepts one document, as PyYAML's `safe_load` does: a second one is an error
    // at its start (PyYAML: "expected a single document in the stream ... but found
    // another document").
    let text = "a: 1\n# between\n---\nb: 2\n";
    let e = err(text);
    assert!(e.message.contains("another document"), "{e:?}");
    assert_eq!(&text[e.span.clone()], "---");
    let e = err("a: 1\n...\n---\n");
    assert_eq!(e.span, 9..12, "an empty second document counts too: {e:?}");
    let text = "a: 1\n...\nb: 2\n";
    let e = err(text);
    assert_eq!(e.span, 9..10, "a bare document after `...`: {e:?}");

    // One document, whatever marks it.
    for text in [
        "a: 1\n...\n",
        "---\na: 1\n...\n# after\n",
        "# c\n---\na: 1\n",
    ] {
        assert_eq!(ok(text).root.entries().len(), 1, "{text:?}");
    }

    // `parse_stream` gives every document, with where it starts.
    let text = "a: 1\n# between\n---\nb: [x]\n--- !Ref y\n";
    let stream = parse_stream(text).unwrap();
    let starts: Vec<&str> = stream
        .documents
        .iter()
        .map(|d| &text[d.start.clone()])
        .collect();
    assert_eq!(starts, ["", "---", "---"]);
    assert_eq!(stream.documents[0].start, 0..0);
    assert_eq!(
        stream.documents[0].root.get("a").unwrap().as_str(),
        Some("1")
    );
    assert_eq!(src(text, &stream.documents[1].root), "b: [x]");
    assert_eq!(src(text, &stream.documents[2].root), "!Ref y");
    assert_eq!(stream.comments.len(), 1);
    assert!(parse_stream("").unwrap().documents.is_empty());
    assert!(parse_stream("# only a comment\n")
        .unwrap()
        .documents
        .is_empty());
}

#[test]
fn syntax_error_in_a_later_document() {
    // Before: errors after the first document were ignored, so a template followed by a
    // broken second document parsed as the template alone.
    let text = "a: 1\n---\nb: [unclosed\n";
    let e = parse_stream(text).unwrap_err();
    assert!(e.error.span.start > 5, "{e:?}");
    assert_eq!(e.complete.len(), 1, "the first document completed: {e:?}");
    assert_eq!(e.complete[0].root.get("a").unwrap().as_str(), Some("1"));
    assert!(parse(text).is_err());
}

#[test]
fn syntax_error_after_an_implicitly_ended_first_document() {
    // Text that does not continue the first document ends it; what follows must be a
    // new document (`---`), else it is an error (PyYAML: "expected '<document start>'").
    // Before, the rest of the file was silently dropped.
    // One space before the first key: the first document is that one line.
    let text = " A: 1\nResources:\n  X: 2\n";
    let e = err(text);
    assert!(e.message.contains("document start"), "{e:?}");
    assert_eq!(e.span, 6..7, "at `Resources` on line 2: {e:?}");
    let se = parse_stream(text).unwrap_err();
    assert_eq!(se.complete.len(), 1);
    assert_eq!(se.complete[0].root.get("A").unwrap().as_str(), Some("1"));
    // An indented first key: its mapping ends at the first less indented line.
    let text = "  Resources:\n    X: 1\nOutputs:\n  Y: 2\n";
    let e = err(text);
    assert_eq!(&text[e.span.clone()], "O", "{e:?}");
    // JSON: a stray `}` closes the root object early; the rest is not JSON either.
    let text = "{\n  \"A\": \"x\"},\n  \"Resources\": {}\n}\n";
    let e = err(text);
    assert_eq!(e.span.start, text.find(',').unwrap(), "{e:?}");
    // A stray `}` after the root object.
    let text = "{\"Resources\": {}}\n}\n";
    let e = err(text);
    assert_eq!(e.span, 18..19, "{e:?}");
}

#[test]
fn anchors_do_not_cross_documents() {
    let e = parse_stream("a: &x 1\n---\nb: *x\n").unwrap_err();
    assert!(e.error.message.contains("alias"), "{e:?}");
    assert_eq!(e.complete.len(), 1);
}

#[test]
fn syntax_errors_with_location() {
    let text = "a: 1\n b: 2\n";
    let e = err(text);
    assert!(
        e.message.contains("mapping values are not allowed"),
        "{e:?}"
    );
    assert_eq!(e.span, 7..8);

    let text = "key: [unclosed";
    let e = err(text);
    assert!(e.message.contains("unclosed"), "{e:?}");
    assert_eq!(e.span, 5..6);

    let text = "é: \"ab\n";
    let e = err(text);
    assert!(e.message.contains("quote"), "{e:?}");
    assert_eq!(e.span, 4..5);

    let e = err("a:\n\tb: 1\n");
    assert!(e.message.contains("tab"), "{e:?}");
    assert!(e.span.start <= 9);

    for text in [
        "[",
        "{",
        "\"",
        "'",
        "a: 'x",
        "]",
        "- a\nb: c",
        "? [\n",
        "&",
        "*",
        "!",
        "a: b: c",
        "\u{feff}\u{feff}x: [",
        "é\t:\té: [",
    ] {
        if let Err(e) = parse(text) {
            assert!(
                e.span.start <= e.span.end && e.span.end <= text.len(),
                "{text:?} {e:?}"
            );
            assert!(text.is_char_boundary(e.span.start) && text.is_char_boundary(e.span.end));
            assert!(!e.message.contains("short-form tag"), "{text:?} {e:?}");
        }
    }
}

#[test]
fn double_tag_hint() {
    let cases = [
        "Value: !ImportValue !Sub \"${Env}-vpc\"\n",
        "Value:\n  Ref: x\n  V: !ImportValue\n    !Sub \"x\"\n",
        "- !ImportValue !Sub x\n",
        "{a: !ImportValue !Sub x}",
        "V: !Join ['', [!ImportValue !Sub x]]",
    ];
    for text in cases {
        let e = err(text);
        assert!(
            e.message.ends_with("CloudFormation does not allow a short-form tag directly after another (e.g. `!ImportValue !Sub`); use the long form `Fn::ImportValue: !Sub ...`"),
            "{text:?}: {e:?}"
        );
    }
    let text = "Value: !ImportValue !Sub \"${Env}-vpc\"\n";
    let e = err(text);
    assert_eq!(e.span, 20..21);
    // No hint for tags separated by a flow opener, or for unrelated errors.
    for text in [
        "V: !Join [!Ref A, !Ref B\n",
        "V: !Join\n  - !Ref A\n   - x: y\n",
        "a: !Ref x\n b: 1\n",
    ] {
        let e = err(text);
        assert!(!e.message.contains("short-form tag"), "{text:?}: {e:?}");
    }
    // The long form parses.
    let text = "Value:\n  Fn::ImportValue: !Sub \"${Env}-vpc\"\n";
    let doc = ok(text);
    let v = doc
        .root
        .get("Value")
        .unwrap()
        .get("Fn::ImportValue")
        .unwrap();
    assert_eq!(v.tag_name(), Some("Sub"));
    assert_eq!(src(text, v), "!Sub \"${Env}-vpc\"");
}

#[test]
fn lone_tab_and_odd_inputs_do_not_panic() {
    assert!(ok("\t").root.is_null());
    let inputs = [
        "\t\t\n\t",
        "\r",
        "\r\n\r\n",
        "\0",
        "\u{85}",
        "\u{2028}",
        "- \t- x",
        "? a\n? a\n",
        "%YAML 1.2\n---\na: 1",
        "%FOO bar\n--- x",
        "!<%ZZ> x",
        "a: !!binary 'x'",
        "[a, b]: c",
        "? [a]\n: b\n? [a]\n: c\n",
        "{[a]: b, [a]: c}",
        "&a [*a]",
        "*a",
        "a: &x\nb: *x",
        "<<: *x",
        "a: &x 1\n<<: *x",
        "- <<: {a: 1}\n  a: 2",
        "\u{feff}",
        "\u{feff}\u{feff}",
        "---\n---\n",
        "...",
        "|",
        ">",
        "|-\n",
        "- |\n-",
        "a:\n  - b\n  -",
        "{a: [b, {c: d}]",
        "'\u{1F600}",
        "\"\\u\"",
        "\"\\x",
        "\"\\ud800\\u0041\"",
        "key: |\n  a\n b",
        "a: >\n\n\n",
        "#",
        "# é\r",
        "- # x\n  a",
    ];
    for text in inputs {
        match parse(text) {
            Ok(doc) => {
                check_spans(text, &doc.root);
                for c in &doc.comments {
                    assert!(text.get(c.span.clone()).is_some(), "{text:?} {c:?}");
                }
            }
            Err(e) => {
                assert!(text.get(e.span.clone()).is_some(), "{text:?} {e:?}");
                for (_, r) in &e.related {
                    assert!(text.get(r.clone()).is_some());
                }
            }
        }
    }
}

/// Deterministic mini-fuzz: random YAML-ish inputs and mutations of a template never
/// panic, and every span is a valid range of the input.
#[test]
fn random_inputs_do_not_panic() {
    const PIECES: &[&str] = &[
        "a",
        "Key",
        ": ",
        ":",
        "-",
        "- ",
        " ",
        "  ",
        "\t",
        "\n",
        "\r\n",
        "[",
        "]",
        "{",
        "}",
        ",",
        "!Ref ",
        "!Sub",
        "!",
        "!!str ",
        "&a ",
        "*a",
        "&b",
        "*b",
        "<<: ",
        "? ",
        "|",
        ">-",
        "#c",
        " # c",
        "'",
        "\"",
        "\\u",
        "é",
        "\u{1F600}",
        "\u{feff}",
        "---",
        "...",
        "%YAML 1.2",
        "~",
        "null",
        "12",
        "\\",
        "\u{2028}",
        "\u{85}",
    ];
    let template = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Ip: # eip\n    Type: AWS::EC2::EIP\n    Properties:\n      Domain: !If [C, vpc, !Ref 'AWS::NoValue']\n      Tags:\n        - {Key: k, Value: !Sub \"${A}-x\"}\n  B: &b\n    x: |\n      t\n  C:\n    <<: *b\n";
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        usize::try_from(state % (n as u64)).unwrap()
    };
    for round in 0..6000 {
        let text = if round % 2 == 0 {
            let len = next(30);
            (0..len)
                .map(|_| PIECES[next(PIECES.len())])
                .collect::<String>()
        } else {
            let mut t: Vec<char> = template.chars().collect();
            for _ in 0..=next(4) {
                let at = next(t.len() + 1);
                match next(3) {
                    0 if at < t.len() => {
                        t.remove(at);
                    }
                    _ => {
                        for c in PIECES[next(PIECES.len())].chars().rev() {
                            t.insert(at.min(t.len()), c);
                        }
                    }
                }
            }
            t.into_iter().collect()
        };
        match parse(&text) {
            Ok(doc) => {
                check_spans(&text, &doc.root);
                for c in &doc.comments {
                    assert!(text.get(c.span.clone()).is_some(), "{text:?} {c:?}");
                }
            }
            Err(e) => {
                assert!(text.get(e.span.clone()).is_some(), "{text:?} {e:?}");
                assert!(!e.message.is_empty());
            }
        }
    }
}

fn check_spans(text: &str, node: &Node) {
    assert!(text.get(node.span.clone()).is_some(), "{text:?} {node:?}");
    if let Some(t) = &node.tag {
        assert!(text.get(t.span.clone()).is_some());
    }
    for item in node.items() {
        check_spans(text, item);
    }
    for (k, v) in node.entries() {
        check_spans(text, k);
        check_spans(text, v);
    }
}

#[test]
fn long_comment_blocks() {
    let mut text = String::from("Resources:\n");
    for _ in 0..500 {
        text.push_str("#  OldThing:\n#    Type: AWS::EC2::Instance\n");
    }
    text.push_str("  A:\n");
    for _ in 0..300 {
        text.push_str("    # commented\n");
    }
    text.push_str("    Type: T\n  L:\n    - 1\n");
    for _ in 0..300 {
        text.push_str("    # c\n");
    }
    text.push_str("    - 2\n");
    let doc = ok(&text);
    assert_eq!(doc.comments.len(), 1000 + 300 + 300);
    let res = doc.root.get("Resources").unwrap();
    assert_eq!(
        res.get("A").unwrap().get("Type").unwrap().as_str(),
        Some("T")
    );
    assert_eq!(res.get("L").unwrap().items().len(), 2);
    assert!(doc
        .comments
        .windows(2)
        .all(|w| w[0].span.start < w[1].span.start));
}

#[test]
fn large_document_is_fast() {
    let mut text = String::from("Resources:\n");
    for i in 0..20_000 {
        text.push_str(&format!("  R{i}:\n    Type: AWS::EC2::EIP # c\n    Properties: {{Domain: vpc, Tags: [{{Key: k, Value: !Ref V}}]}}\n"));
    }
    let started = std::time::Instant::now();
    let doc = ok(&text);
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    assert_eq!(doc.root.get("Resources").unwrap().entries().len(), 20_000);
    assert_eq!(doc.comments.len(), 20_000);
}
