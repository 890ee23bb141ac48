//! Why a demander asks for a record, in standard terms: an HL7 v3 PurposeOfUse code
//! (value set `http://terminology.hl7.org/ValueSet/v3-PurposeOfUse`, codes of the code
//! system [`PURPOSE_CODE_SYSTEM`]) and the demander's own words. The chain, the CLI and
//! the FHIR export read codes through this one table.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_core::{bounded::BoundedVec, ConstU32};

/// The canonical URI of the HL7 v3 ActReason code system, which holds PurposeOfUse.
pub const PURPOSE_CODE_SYSTEM: &str = "http://terminology.hl7.org/CodeSystem/v3-ActReason";

/// Longest code of [`PurposeOfUse::Other`], in bytes.
pub const MAX_OTHER_CODE_LEN: u32 = 32;

/// A code of another system or a local one: 1–32 bytes of `A–Z`, `a–z`, `0–9`, `-`,
/// `.`, `_`, `:` (checked by [`PurposeOfUse::is_well_formed`]).
pub type OtherCode = BoundedVec<u8, ConstU32<MAX_OTHER_CODE_LEN>>;

/// An HL7 v3 PurposeOfUse code, or another.
#[derive(
    Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub enum PurposeOfUse {
    /// `TREAT`: treatment.
    Treat,
    /// `ETREAT`: emergency treatment.
    Etreat,
    /// `BTG`: break the glass (only `Access::break_glass` opens a request with it).
    Btg,
    /// `HRESCH`: healthcare research.
    Hresch,
    /// `CLINTRCH`: clinical trial research.
    Clintrch,
    /// `PUBHLTH`: public health.
    Pubhlth,
    /// `HPAYMT`: healthcare payment.
    Hpaymt,
    /// `HOPERAT`: healthcare operations.
    Hoperat,
    /// `PATRQT`: patient requested.
    Patrqt,
    /// `FAMRQT`: family requested.
    Famrqt,
    /// `COVERAGE`: coverage under policy or program.
    Coverage,
    /// Not coded: a request opened before purposes were coded (free text only).
    Uncoded,
    /// Another code, of another system or a local one.
    Other(OtherCode),
}

/// HL7's codes: the variant, its name in the metadata (what Polkadot.js shows), the
/// code, HL7's display name; in the variants' order.
const HL7: [(PurposeOfUse, &str, &str, &str); 11] = [
    (PurposeOfUse::Treat, "Treat", "TREAT", "treatment"),
    (
        PurposeOfUse::Etreat,
        "Etreat",
        "ETREAT",
        "Emergency Treatment",
    ),
    (PurposeOfUse::Btg, "Btg", "BTG", "break the glass"),
    (
        PurposeOfUse::Hresch,
        "Hresch",
        "HRESCH",
        "healthcare research",
    ),
    (
        PurposeOfUse::Clintrch,
        "Clintrch",
        "CLINTRCH",
        "clinical trial research",
    ),
    (PurposeOfUse::Pubhlth, "Pubhlth", "PUBHLTH", "public health"),
    (
        PurposeOfUse::Hpaymt,
        "Hpaymt",
        "HPAYMT",
        "healthcare payment",
    ),
    (
        PurposeOfUse::Hoperat,
        "Hoperat",
        "HOPERAT",
        "healthcare operations",
    ),
    (
        PurposeOfUse::Patrqt,
        "Patrqt",
        "PATRQT",
        "patient requested",
    ),
    (PurposeOfUse::Famrqt, "Famrqt", "FAMRQT", "family requested"),
    (
        PurposeOfUse::Coverage,
        "Coverage",
        "COVERAGE",
        "coverage under policy or program",
    ),
];

impl PurposeOfUse {
    /// HL7's codes (`TREAT`, …) in the variants' order.
    pub fn hl7_codes() -> impl Iterator<Item = &'static str> {
        HL7.iter().map(|(_, _, code, _)| *code)
    }

    /// The code as written (`TREAT`; an `Other` code's bytes; `UNCODED`).
    pub fn code(&self) -> &str {
        match self {
            Self::Other(code) => core::str::from_utf8(code).unwrap_or("?"),
            Self::Uncoded => "UNCODED",
            hl7 => Self::hl7_entry(hl7).map_or("?", |(_, _, code, _)| code),
        }
    }

    /// HL7's display name of an HL7 code; `None` for `Other` and `Uncoded`.
    pub fn display(&self) -> Option<&'static str> {
        Self::hl7_entry(self).map(|(_, _, _, display)| *display)
    }

    /// Whether this is one of HL7's codes (so [`PURPOSE_CODE_SYSTEM`] is its system).
    pub fn is_hl7(&self) -> bool {
        Self::hl7_entry(self).is_some()
    }

    /// The purpose of `code`, case-insensitive for HL7's codes (`treat` → `Treat`);
    /// any other well-formed code is `Other`. `None` for a malformed one.
    pub fn from_code(code: &str) -> Option<Self> {
        if let Some((purpose, ..)) = HL7
            .iter()
            .find(|(_, _, hl7, _)| hl7.eq_ignore_ascii_case(code))
        {
            return Some(purpose.clone());
        }
        let other = Self::Other(OtherCode::try_from(code.as_bytes().to_vec()).ok()?);
        other.is_well_formed().then_some(other)
    }

    /// The variant's name in the runtime's metadata (`Hresch`, `Other`, `Uncoded`): what
    /// a SCALE value of the type names.
    pub fn variant_name(&self) -> &'static str {
        match self {
            Self::Other(_) => "Other",
            Self::Uncoded => "Uncoded",
            hl7 => Self::hl7_entry(hl7).map_or("?", |(_, name, _, _)| name),
        }
    }

    /// The HL7 variant named `name` in the metadata (`Hresch`); `None` for any other.
    pub fn hl7_of_variant_name(name: &str) -> Option<Self> {
        HL7.iter()
            .find(|(_, variant, _, _)| *variant == name)
            .map(|(purpose, ..)| purpose.clone())
    }

    /// Whether a request may carry it: not `Uncoded`, and an `Other` code is 1–32
    /// bytes of `A–Z a–z 0–9 - . _ :` and neither one of HL7's codes nor `UNCODED` in
    /// any case (those have their variants, so that one purpose has one encoding).
    pub fn is_well_formed(&self) -> bool {
        match self {
            Self::Uncoded => false,
            Self::Other(code) => {
                !code.is_empty()
                    && code
                        .iter()
                        .all(|b| b.is_ascii_alphanumeric() || b"-._:".contains(b))
                    && core::str::from_utf8(code).is_ok_and(|code| {
                        !code.eq_ignore_ascii_case(Self::Uncoded.code())
                            && !Self::hl7_codes().any(|hl7| hl7.eq_ignore_ascii_case(code))
                    })
            }
            _ => true,
        }
    }

    fn hl7_entry(
        purpose: &Self,
    ) -> Option<&'static (PurposeOfUse, &'static str, &'static str, &'static str)> {
        HL7.iter().find(|(hl7, ..)| hl7 == purpose)
    }
}

/// Whether `c` is an invisible character that can hide or reorder text: a soft hyphen,
/// a combining grapheme joiner, a Hangul filler, a zero-width character or joiner, a
/// word joiner or invisible operator, a bidirectional mark, embedding, override or
/// isolate, a byte-order mark, an interlinear annotation or a tag character. The chain
/// counts them as blank in a reason; the CLI masks them in CSV, but for the joiners
/// ([`is_joiner`]), which Persian, Indic and emoji text needs.
pub fn is_format_char(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{3164}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{E0000}'..='\u{E007F}'
    )
}

/// The zero-width non-joiner and joiner (U+200C, U+200D): invisible, but part of how
/// some scripts and emoji are written.
pub fn is_joiner(c: char) -> bool {
    matches!(c, '\u{200C}' | '\u{200D}')
}

/// A request's purpose: the code and the demander's own words.
#[derive(
    Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct Purpose<Text> {
    /// The coded purpose.
    pub code: PurposeOfUse,
    /// Free text (bounded), public like the code.
    pub text: Text,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hl7_codes_round_trip_and_keep_their_encoding() {
        for (i, (purpose, name, _, _)) in HL7.iter().enumerate() {
            // `Debug` of a unit variant is its name, which the metadata carries too.
            assert_eq!(&format!("{purpose:?}"), name);
            assert_eq!(purpose.variant_name(), *name);
            assert_eq!(
                PurposeOfUse::hl7_of_variant_name(name).as_ref(),
                Some(purpose)
            );
            assert_eq!(
                PurposeOfUse::from_code(purpose.code()).as_ref(),
                Some(purpose)
            );
            assert_eq!(
                PurposeOfUse::from_code(&purpose.code().to_lowercase()).as_ref(),
                Some(purpose)
            );
            assert!(purpose.is_hl7() && purpose.is_well_formed());
            // The SCALE index is the table's order: stored requests depend on it.
            assert_eq!(purpose.encode(), vec![i as u8]);
        }
        assert_eq!(PurposeOfUse::Btg.display(), Some("break the glass"));
        assert_eq!(PurposeOfUse::Uncoded.encode(), vec![11]);
        assert_eq!(PurposeOfUse::Uncoded.variant_name(), "Uncoded");
        assert_eq!(PurposeOfUse::hl7_of_variant_name("Other"), None);
    }

    #[test]
    fn format_characters_are_the_invisible_ones() {
        for c in [
            '\u{200B}', '\u{200E}', '\u{202E}', '\u{2066}', '\u{FEFF}', '\u{00AD}',
        ] {
            assert!(is_format_char(c), "{c:?}");
        }
        for c in ['a', ' ', '中', '\u{2010}', '\u{2070}'] {
            assert!(!is_format_char(c), "{c:?}");
        }
        assert!(is_format_char('\u{200D}') && is_joiner('\u{200D}') && !is_joiner('\u{200B}'));
    }

    #[test]
    fn other_codes_are_well_formed_and_never_hl7() {
        let other = PurposeOfUse::from_code("local:audit-2026").unwrap();
        assert_eq!(other.code(), "local:audit-2026");
        assert!(!other.is_hl7() && other.display().is_none());
        for bad in ["", "two words", "é", &"x".repeat(33)] {
            assert_eq!(PurposeOfUse::from_code(bad), None, "{bad:?}");
        }
        let disguised = PurposeOfUse::Other(OtherCode::truncate_from(b"Treat".to_vec()));
        assert!(!disguised.is_well_formed());
        assert!(!PurposeOfUse::Uncoded.is_well_formed());
        assert_eq!(PurposeOfUse::from_code("uncoded"), None);
    }
}
