//! Each dialect's correlation, continuation, end and abort, as the dialect table states them.

use super::*;

fn its(value: u16) -> Correlation {
    Correlation {
        its: Some(value),
        umr: None,
    }
}

#[test]
fn standard_echoes_its_and_ends_with_17() {
    let d = DialectName::Standard.dialect();
    assert_eq!(d.classify(Some(1), its(0x1234), false), Inbound::Begin);
    assert_eq!(d.classify(Some(18), its(0x1235), false), Inbound::Input);
    assert_eq!(d.classify(Some(0x81), its(0x1235), true), Inbound::Abort);
    assert_eq!(d.session_id(its(0x1235), "98912"), Some("its:4661".into()));
    assert_eq!(
        d.reply(its(0x1235), false),
        ReplyTlvs {
            op: 2,
            its: Some(0x1235),
            umr: None
        }
    );
    assert_eq!(
        d.reply(its(0x1235), true),
        ReplyTlvs {
            op: 17,
            its: Some(0x1235),
            umr: None
        }
    );
}

#[test]
fn tata_ends_with_op_2_and_the_end_bit() {
    let d = DialectName::Tata.dialect();
    assert_eq!(
        d.session_id(its(0x0043), "1"),
        d.session_id(its(0x0042), "1")
    );
    assert_eq!(
        d.reply(its(0x0043), false),
        ReplyTlvs {
            op: 2,
            its: Some(0x0042),
            umr: None
        }
    );
    assert_eq!(
        d.reply(its(0x0042), true),
        ReplyTlvs {
            op: 2,
            its: Some(0x0043),
            umr: None
        }
    );
    assert_eq!(d.classify(Some(18), its(0x0043), true), Inbound::Abort);
    assert_eq!(
        d.classify(Some(18), its(0x0043), false),
        Inbound::Input,
        "text means an answer"
    );
}

#[test]
fn mica_correlates_on_umr_and_msisdn() {
    let d = DialectName::Mica.dialect();
    let corr = Correlation {
        its: None,
        umr: Some(77),
    };
    assert_eq!(d.session_id(corr, "98912"), Some("umr:77:98912".into()));
    assert_ne!(d.session_id(corr, "98913"), d.session_id(corr, "98912"));
    assert_eq!(d.session_id(its(5), "98912"), None, "no UMR, no dialog");
    assert_eq!(
        d.reply(corr, true),
        ReplyTlvs {
            op: 17,
            its: None,
            umr: Some(77)
        }
    );
    assert_eq!(d.classify(Some(0x81), corr, true), Inbound::Abort);
}

#[test]
fn sixdee_keeps_the_dialog_id_in_the_upper_bits() {
    let d = DialectName::Sixdee.dialect();
    assert_eq!(d.session_id(its(0x00A1), "1"), Some("its:160".into()));
    assert_eq!(d.reply(its(0x00A0), false).its, Some(0x00A0));
    assert_eq!(
        d.reply(its(0x00A0), true),
        ReplyTlvs {
            op: 17,
            its: Some(0x00A1),
            umr: None
        }
    );
    assert_eq!(d.classify(Some(18), its(0x00A1), false), Inbound::Abort);
    assert_eq!(d.classify(Some(0x81), its(0x00A0), false), Inbound::Abort);
}

#[test]
fn msisdn_only_sends_no_session_tlv() {
    let d = DialectName::MsisdnOnly.dialect();
    assert_eq!(
        d.session_id(Correlation::default(), "98912"),
        Some("msisdn:98912".into())
    );
    assert_eq!(
        d.reply(its(9), true),
        ReplyTlvs {
            op: 17,
            its: None,
            umr: None
        }
    );
}

#[test]
fn overrides_replace_the_end_op_and_abort_ops() {
    let d = DialectName::Standard
        .dialect()
        .with_overrides(Some(0x17), Some(&[32]));
    assert_eq!(d.reply(its(1), true).op, 0x17);
    assert_eq!(d.classify(Some(32), its(1), true), Inbound::Abort);
    assert_eq!(d.classify(Some(0x81), its(1), true), Inbound::Ignored);
}

#[test]
fn names_parse_and_unknown_names_are_explained() {
    for name in DialectName::ALL {
        assert_eq!(name.to_string().parse::<DialectName>(), Ok(name));
    }
    let err = "huawei"
        .parse::<DialectName>()
        .expect_err("not a shipped dialect");
    assert!(err.to_string().contains("msisdn-only"));
}
