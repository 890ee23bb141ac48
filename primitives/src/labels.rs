//! What a record's labels must not be: labels are public (anyone who syncs the chain
//! reads them), so a label that carries a patient's identity would publish it for
//! ever. The chain and a node's ingestion queue refuse two shapes that are almost
//! certainly personal, with one rule ([`personal_data_in`]):
//!
//! - a **Chinese resident ID number** (GB 11643): 17 digits and a check character
//!   (digit or `X`), not inside a longer run of digits, whose birth date (digits 7–14)
//!   is a plausible date and whose ISO 7064 MOD 11-2 check character is right;
//! - a **phone number**: consecutive groups of digits (separated by spaces, hyphens or
//!   parentheses) that spell an 11-digit Chinese mobile number (`1[3-9]` and 9 more
//!   digits, optionally after `86`), a `+` followed by 8 to 15 digits, or a landline with
//!   its area code (`0` and 9 to 11 more digits, written in groups, e.g. `010-12345678`),
//!   also when another number stands next to it.
//!
//! Diagnosis codes (`I21.0`), dates (`2026-12-06`), departments and languages pass.
//! Names cannot be recognised by shape: the README says what must never be a label.

/// The kind of personal data a label looks like.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum PersonalData {
    /// An 18-character Chinese resident ID number.
    IdNumber,
    /// A phone number.
    PhoneNumber,
}

/// What personal data `label` looks like it holds, if any.
pub fn personal_data_in(label: &[u8]) -> Option<PersonalData> {
    if has_id_number(label) {
        return Some(PersonalData::IdNumber);
    }
    if has_phone_number(label) {
        return Some(PersonalData::PhoneNumber);
    }
    None
}

fn has_id_number(label: &[u8]) -> bool {
    // Every maximal run of digits (an `X` may end it).
    let mut start = 0;
    while start < label.len() {
        if !label[start].is_ascii_digit() {
            start += 1;
            continue;
        }
        let mut end = start;
        while end < label.len() && label[end].is_ascii_digit() {
            end += 1;
        }
        let digits = end - start;
        let run = if digits == 17 && matches!(label.get(end), Some(b'X' | b'x')) {
            &label[start..=end]
        } else {
            &label[start..end]
        };
        if run.len() == 18 && is_id_number(run) {
            return true;
        }
        start = end.max(start + 1);
    }
    false
}

/// 18 characters: a plausible birth date and a right MOD 11-2 check character.
fn is_id_number(id: &[u8]) -> bool {
    let digit = |i: usize| u32::from(id[i] - b'0');
    let number = |from: usize, len: usize| (from..from + len).fold(0, |n, i| n * 10 + digit(i));
    let (year, month, day) = (number(6, 4), number(10, 2), number(12, 2));
    if !(1800..=2099).contains(&year) || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return false;
    }
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: &[u8; 11] = b"10X98765432";
    let sum: u32 = (0..17).map(|i| digit(i) * WEIGHTS[i]).sum();
    id[17].to_ascii_uppercase() == CHECK[(sum % 11) as usize]
}

fn has_phone_number(label: &[u8]) -> bool {
    let is_part = |b: u8| b.is_ascii_digit() || matches!(b, b' ' | b'-' | b'(' | b')');
    let mut start = 0;
    while start < label.len() {
        let plus = label[start] == b'+';
        if !plus && !label[start].is_ascii_digit() {
            start += 1;
            continue;
        }
        let mut end = start + 1;
        while end < label.len() && is_part(label[end]) {
            end += 1;
        }
        if run_has_phone_number(&label[start..end], plus) {
            return true;
        }
        start = end;
    }
    false
}

/// Whether some span of consecutive digit groups of `run` (digits split by spaces,
/// hyphens and parentheses) spells a phone number, so that neither a number written in
/// groups nor one next to another number escapes.
fn run_has_phone_number(run: &[u8], plus: bool) -> bool {
    // A label has at most 64 bytes, so at most 32 groups.
    const MAX_GROUPS: usize = 32;
    let mut groups = [(0usize, 0usize); MAX_GROUPS];
    let mut count = 0;
    let mut i = 0;
    while i < run.len() && count < MAX_GROUPS {
        if !run[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let from = i;
        while i < run.len() && run[i].is_ascii_digit() {
            i += 1;
        }
        groups[count] = (from, i);
        count += 1;
    }
    let groups = &groups[..count];
    for first in 0..groups.len() {
        let mut digits = [0u8; 16];
        let mut len = 0;
        for (n, &(from, to)) in groups[first..].iter().enumerate() {
            if len + (to - from) > digits.len() {
                break;
            }
            digits[len..len + (to - from)].copy_from_slice(&run[from..to]);
            len += to - from;
            let spanned = &digits[..len];
            let mobile = |d: &[u8]| d.len() == 11 && d[0] == b'1' && (b'3'..=b'9').contains(&d[1]);
            if mobile(spanned)
                || (spanned.starts_with(b"86") && mobile(&spanned[2..]))
                || (plus && first == 0 && (8..=15).contains(&len))
                || (n > 0 && spanned[0] == b'0' && (10..=12).contains(&len))
            {
                return true;
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_numbers_are_found_by_shape_date_and_check_character() {
        // GB 11643's own examples (one ends in X).
        assert_eq!(
            personal_data_in(b"11010519491231002X"),
            Some(PersonalData::IdNumber)
        );
        assert_eq!(
            personal_data_in(b"id:11010519491231002x;"),
            Some(PersonalData::IdNumber)
        );
        assert_eq!(
            personal_data_in("身份证440524188001010014".as_bytes()),
            Some(PersonalData::IdNumber)
        );
        // A wrong check character, an impossible date, or a longer run: not an ID.
        assert_eq!(personal_data_in(b"110105194912310021"), None);
        assert_eq!(personal_data_in(b"110105194913310028"), None);
        assert_eq!(personal_data_in(b"911010519491231002X"), None);
        assert_eq!(personal_data_in(b"order 123456789012345678"), None);
    }

    #[test]
    fn phone_numbers_are_found_in_their_usual_spellings() {
        for phone in [
            "13812345678",
            "tel 138-1234-5678",
            "138 1234 5678",
            "+86 138 1234 5678",
            "8613812345678",
            "+44 20 7946 0958",
            "010-12345678",
            "(0755) 8888 1234",
            "联系人15912345678",
            "bed 3 13812345678",
            "13812345678 13912345678",
            "138 1234 5678",
        ] {
            assert_eq!(
                personal_data_in(phone.as_bytes()),
                Some(PersonalData::PhoneNumber),
                "{phone}"
            );
        }
    }

    #[test]
    fn ordinary_labels_pass() {
        for label in [
            "cardiology",
            "心内科",
            "zh",
            "I21.0",
            "E11.9",
            "ICD-10:I25.1",
            "2026-12-06",
            "2026-12-06 08:30",
            "ward 12",
            "bed 3-14",
            "12345678901",
            "0123456789",
            "1.3.6.1.4.1.19376",
            "v2",
            "",
        ] {
            assert_eq!(personal_data_in(label.as_bytes()), None, "{label}");
        }
    }
}
