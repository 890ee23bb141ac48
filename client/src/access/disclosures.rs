//! `access disclosures --owner A`: the accounting of disclosures of an owner's records —
//! who received which record's key, when, for what purpose, approved by which members,
//! emergency or not — from the audit trail of each live record and of each version it
//! amended (the node's audit index, or the blocks), checked against the record's audit
//! head like `records audit`.
//!
//! A disclosure is a `KeyDelivered` event. Its request's `AccessRequested` (or
//! `EmergencyAccessOpened`) gives the purpose, its `Voted` events the approving members,
//! and what followed (`GrantRevoked`, the emergency review) how it ended.

use std::collections::BTreeMap;

use anyhow::{anyhow, bail, Result};
use clap::{Args, ValueEnum};
use medchain_primitives::purpose::{is_format_char, is_joiner, PurposeOfUse};
use subxt::{
    dynamic::{At, Value},
    utils::AccountId32,
};

use super::fhir;
use crate::{
    account::{address_of, parse_account},
    chain::{field_u64, AuditEvent, Chain, NodeArg},
    output::Output,
    records::audit::history,
};

/// Records asked of the node per call while listing the owner's.
const RECORDS_PAGE: u32 = 100;

#[derive(Args)]
pub struct DisclosuresArgs {
    /// The records' owner (SS58 address).
    #[arg(long)]
    owner: String,
    /// Only disclosures on or after this day (YYYY-MM-DD, UTC).
    #[arg(long)]
    from: Option<String>,
    /// Only disclosures on or before this day (YYYY-MM-DD, UTC).
    #[arg(long)]
    to: Option<String>,
    /// csv (a header and a line per disclosure), json (an object per disclosure, as
    /// `--json`), or fhir (one FHIR R5 Bundle of a Consent and an AuditEvent per
    /// disclosure).
    #[arg(long, value_enum, default_value_t = Format::Csv)]
    format: Format,
    #[command(flatten)]
    node: NodeArg,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Csv,
    Json,
    Fhir,
}

/// A request as its events describe it.
#[derive(Clone, Default)]
struct Asked {
    purpose: Option<(PurposeOfUse, String)>,
    approvers: Vec<AccountId32>,
    emergency: bool,
}

/// One disclosure: a key delivered to a demander.
#[derive(Clone)]
pub(super) struct Disclosure {
    pub record: u64,
    pub request: u64,
    pub demander: AccountId32,
    pub delivered_by: AccountId32,
    pub delivered_at_ms: u64,
    pub block: u64,
    /// The code and the text; `None` when no event of the trail gives it (a request
    /// whose `AccessRequested` the current metadata cannot read).
    pub purpose: Option<(PurposeOfUse, String)>,
    pub approvers: Vec<AccountId32>,
    pub emergency: bool,
    /// `justified` or `unjustified` once the members reviewed an emergency; `lapsed`
    /// when nobody decided before its review time ran out.
    pub review: Option<&'static str>,
    /// When the owner revoked the grant, if it did.
    pub revoked_at_ms: Option<u64>,
}

pub async fn disclosures(args: DisclosuresArgs, out: &Output) -> Result<()> {
    let owner = parse_account(&args.owner)?;
    let from_ms = args
        .from
        .as_deref()
        .map(|d| day_start_ms(d, "--from"))
        .transpose()?;
    let to_ms = args
        .to
        .as_deref()
        .map(|d| day_start_ms(d, "--to").map(|ms| ms + DAY_MS - 1))
        .transpose()?;
    if let (Some(from), Some(to)) = (from_ms, to_ms) {
        if from > to {
            bail!("--from is after --to");
        }
    }
    let chain = Chain::connect(&args.node.node).await?;
    let mut found = Vec::new();
    // The live records, and the versions each amended: their disclosures count too.
    let mut records = owned_records(&chain, &owner).await?;
    let mut seen: std::collections::BTreeSet<u64> = records.iter().copied().collect();
    while let Some(record) = records.pop() {
        let history = history(&chain, record, None, out).await?;
        if !history.matches() {
            bail!("record {record}'s history does not match its audit head");
        }
        let events = || history.events.iter().map(|e| &e.event);
        for previous in amended_by(record, events()) {
            if seen.insert(previous) {
                records.push(previous);
            }
        }
        found.extend(of_record(record, events())?);
    }
    // A request opened under an older runtime whose event the node could not read for
    // want of that block's state: its purpose, while the request is not reaped.
    for d in found.iter_mut().filter(|d| d.purpose.is_none()) {
        if let Some(request) = chain.request_value(d.request).await? {
            d.purpose = request.at("purpose").and_then(|p| purpose_of(p).ok());
        }
    }
    found.retain(|d| {
        from_ms.is_none_or(|from| d.delivered_at_ms >= from)
            && to_ms.is_none_or(|to| d.delivered_at_ms <= to)
    });
    found.sort_by_key(|d| (d.delivered_at_ms, d.record, d.request));
    let format = if out.is_json() && args.format == Format::Csv {
        Format::Json
    } else {
        args.format
    };
    match format {
        Format::Csv => {
            println!("{}", CSV_HEADER.join(","));
            for d in &found {
                println!("{}", csv_line(d));
            }
        }
        Format::Json => {
            for d in &found {
                println!("{}", json(d));
            }
        }
        Format::Fhir => println!("{}", fhir::bundle(&owner, &found)),
    }
    Ok(())
}

/// Every live record of `owner`, page by page.
async fn owned_records(chain: &Chain, owner: &AccountId32) -> Result<Vec<u64>> {
    let mut all = Vec::new();
    let mut after = None;
    loop {
        let page = chain
            .record_ids(Some(owner), None, after, RECORDS_PAGE)
            .await?;
        let full = page.len() as u32 == RECORDS_PAGE;
        after = page.last().copied();
        all.extend(page);
        if !full {
            return Ok(all);
        }
    }
}

/// The records `record` amended (`RecordAmended { id: record, previous }` in its trail).
fn amended_by<'a>(record: u64, events: impl Iterator<Item = &'a AuditEvent>) -> Vec<u64> {
    events
        .filter(|e| e.pallet == "MedicalRecords" && e.name == "RecordAmended")
        .filter(|e| number(&e.fields, "id").ok() == Some(record))
        .filter_map(|e| number(&e.fields, "previous").ok())
        .collect()
}

/// The disclosures of `record` in its trail's events, in order.
fn of_record<'a>(
    record: u64,
    events: impl Iterator<Item = &'a AuditEvent>,
) -> Result<Vec<Disclosure>> {
    let mut asked: BTreeMap<u64, Asked> = BTreeMap::new();
    let mut found: Vec<Disclosure> = Vec::new();
    for event in events.filter(|e| e.pallet == "Access") {
        let f = &event.fields;
        match event.name.as_str() {
            "AccessRequested" => {
                let entry = asked.entry(number(f, "request")?).or_default();
                entry.purpose = f.at("purpose").map(purpose_of).transpose()?;
            }
            "EmergencyAccessOpened" => {
                let entry = asked.entry(number(f, "request")?).or_default();
                entry.purpose = Some((PurposeOfUse::Btg, text(f, "reason")?));
                entry.emergency = true;
            }
            "Voted" if f.at("approve").and_then(Value::as_bool) == Some(true) => {
                let entry = asked.entry(number(f, "request")?).or_default();
                entry.approvers.push(account(f, "member")?);
            }
            "KeyDelivered" => {
                let request = number(f, "request")?;
                let Asked {
                    purpose,
                    approvers,
                    emergency,
                } = asked.get(&request).cloned().unwrap_or_default();
                found.push(Disclosure {
                    record,
                    request,
                    demander: account(f, "demander")?,
                    delivered_by: account(f, "by")?,
                    delivered_at_ms: number(f, "at_ms")?,
                    block: event.block,
                    purpose,
                    approvers,
                    emergency,
                    review: None,
                    revoked_at_ms: None,
                });
            }
            "EmergencyAccessJustified" | "EmergencyAccessUnjustified" | "EmergencyReviewLapsed" => {
                let request = number(f, "request")?;
                let verdict = match event.name.as_str() {
                    "EmergencyAccessJustified" => "justified",
                    "EmergencyAccessUnjustified" => "unjustified",
                    _ => "lapsed",
                };
                for d in found.iter_mut().filter(|d| d.request == request) {
                    d.review = Some(verdict);
                }
            }
            "GrantRevoked" => {
                let demander = account(f, "demander")?;
                let at = number(f, "at_ms")?;
                if let Some(d) = found
                    .iter_mut()
                    .rev()
                    .find(|d| d.demander == demander && d.revoked_at_ms.is_none())
                {
                    d.revoked_at_ms = Some(at);
                }
            }
            _ => {}
        }
    }
    Ok(found)
}

fn number(fields: &Value, name: &str) -> Result<u64> {
    field_u64(fields, name).ok_or_else(|| anyhow!("an event without a numeric {name}"))
}

/// The bytes of a byte-sequence (or fixed byte-array) field, also inside newtypes
/// (`BoundedVec`, `AccountId32`).
fn bytes_of(value: &Value) -> Option<Vec<u8>> {
    use subxt::ext::scale_value::{Composite, ValueDef};
    // Only a sequence is bytes: not a number, a variant or a named composite.
    if !matches!(value.value, ValueDef::Composite(Composite::Unnamed(_))) {
        return None;
    }
    if let Some(inner) = value.at(0).filter(|v| v.as_u128().is_none()) {
        return value.at(1).is_none().then(|| bytes_of(inner))?;
    }
    let mut bytes = Vec::new();
    let mut index = 0;
    while let Some(byte) = value.at(index) {
        bytes.push(u8::try_from(byte.as_u128()?).ok()?);
        index += 1;
    }
    Some(bytes)
}

fn text(fields: &Value, name: &str) -> Result<String> {
    let bytes = fields
        .at(name)
        .and_then(bytes_of)
        .ok_or_else(|| anyhow!("an event without its {name}"))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

fn account(fields: &Value, name: &str) -> Result<AccountId32> {
    let value = fields
        .at(name)
        .ok_or_else(|| anyhow!("an event without its {name}"))?;
    let bytes = bytes_of(value)
        .filter(|b| b.len() == 32)
        .ok_or_else(|| anyhow!("{name} is not an account"))?;
    let mut id = [0u8; 32];
    id.copy_from_slice(&bytes);
    Ok(AccountId32(id))
}

/// A `Purpose { code, text }` value.
fn purpose_of(value: &Value) -> Result<(PurposeOfUse, String)> {
    use subxt::ext::scale_value::ValueDef;
    let code = value
        .at("code")
        .ok_or_else(|| anyhow!("a purpose without a code"))?;
    let ValueDef::Variant(variant) = &code.value else {
        bail!("a purpose code that is not a variant");
    };
    let name = variant.name.as_str();
    let code = if name == PurposeOfUse::Uncoded.variant_name() {
        PurposeOfUse::Uncoded
    } else if name == PurposeOfUse::Other(Default::default()).variant_name() {
        let bytes = variant
            .values
            .values()
            .next()
            .and_then(bytes_of)
            .ok_or_else(|| anyhow!("an Other purpose without its code"))?;
        PurposeOfUse::Other(
            bytes
                .try_into()
                .map_err(|_| anyhow!("an Other code too long"))?,
        )
    } else {
        PurposeOfUse::hl7_of_variant_name(name)
            .ok_or_else(|| anyhow!("an unknown purpose code {name}"))?
    };
    Ok((code, text(value, "text")?))
}

const CSV_HEADER: [&str; 13] = [
    "delivered_at",
    "record",
    "request",
    "demander",
    "delivered_by",
    "purpose_code",
    "purpose_display",
    "purpose_text",
    "approved_by",
    "emergency",
    "review",
    "revoked_at",
    "block",
];

/// One CSV line (RFC 4180: fields with a comma or a quote are quoted).
fn csv_line(d: &Disclosure) -> String {
    let (code, display, text) = purpose_columns(d);
    let approvers: Vec<String> = d.approvers.iter().map(address_of).collect();
    [
        iso_datetime(d.delivered_at_ms),
        d.record.to_string(),
        d.request.to_string(),
        address_of(&d.demander),
        address_of(&d.delivered_by),
        code,
        display,
        text,
        approvers.join(" "),
        d.emergency.to_string(),
        d.review.unwrap_or_default().to_string(),
        d.revoked_at_ms.map(iso_datetime).unwrap_or_default(),
        d.block.to_string(),
    ]
    .iter()
    .map(|field| csv_field(field))
    .collect::<Vec<_>>()
    .join(",")
}

/// One CSV field. The demander wrote the purpose's text, and compliance offices open
/// these files in spreadsheets and terminals: a control character (a terminal escape, a
/// line break) or an invisible formatting one (a bidirectional override that reorders
/// the columns on screen) becomes U+FFFD, and a field a spreadsheet would run as a formula
/// (`=`, `+`, `-`, `@` first) gets a leading `'` (OWASP's advice on CSV injection).
fn csv_field(field: &str) -> String {
    let mut field: String = field
        .chars()
        .map(|c| {
            if c.is_control() || (is_format_char(c) && !is_joiner(c)) {
                '\u{FFFD}'
            } else {
                c
            }
        })
        .collect();
    if field.starts_with(['=', '+', '-', '@']) {
        field.insert(0, '\'');
    }
    if field.contains([',', '"']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field
    }
}

/// (code, display, text); an unknown purpose is all empty.
fn purpose_columns(d: &Disclosure) -> (String, String, String) {
    match &d.purpose {
        Some((code, text)) => (
            code.code().to_string(),
            code.display().unwrap_or_default().to_string(),
            text.clone(),
        ),
        None => Default::default(),
    }
}

fn json(d: &Disclosure) -> serde_json::Value {
    let (code, display, text) = purpose_columns(d);
    serde_json::json!({
        "delivered_at": iso_datetime(d.delivered_at_ms),
        "delivered_at_ms": d.delivered_at_ms,
        "record": d.record,
        "request": d.request,
        "demander": address_of(&d.demander),
        "delivered_by": address_of(&d.delivered_by),
        "purpose_code": d.purpose.as_ref().map(|_| code),
        "purpose_display": (!display.is_empty()).then_some(display),
        "purpose_text": d.purpose.as_ref().map(|_| text),
        "approved_by": d.approvers.iter().map(address_of).collect::<Vec<_>>(),
        "emergency": d.emergency,
        "review": d.review,
        "revoked_at": d.revoked_at_ms.map(iso_datetime),
        "block": d.block,
    })
}

const DAY_MS: u64 = 86_400_000;

/// Milliseconds since the Unix epoch of `YYYY-MM-DD`'s midnight, UTC.
fn day_start_ms(day: &str, flag: &str) -> Result<u64> {
    let parts: Vec<&str> = day.split('-').collect();
    let parse = |s: &str, len: usize| -> Option<u32> {
        (s.len() == len && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok())?
    };
    let (year, month, day_of_month) = match parts.as_slice() {
        [y, m, d] => (parse(y, 4), parse(m, 2), parse(d, 2)),
        _ => (None, None, None),
    };
    let (Some(year), Some(month), Some(dom)) = (year, month, day_of_month) else {
        bail!("{flag} {day:?} is not a day: give YYYY-MM-DD");
    };
    if year < 1970 || !(1..=12).contains(&month) || dom == 0 || dom > days_in_month(year, month) {
        bail!("{flag} {day:?} is not a day on or after 1970-01-01");
    }
    Ok(days_from_civil(year, month, dom) * DAY_MS)
}

fn days_in_month(year: u32, month: u32) -> u32 {
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a date on or after it (H. Hinnant's algorithm).
fn days_from_civil(year: u32, month: u32, day: u32) -> u64 {
    let y = u64::from(if month <= 2 { year - 1 } else { year });
    let era = y / 400;
    let yoe = y - era * 400;
    let m = u64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + u64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day count since 1970-01-01.
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

/// `2026-12-07T09:30:00.000Z` (FHIR `instant`/`dateTime`, ISO 8601 UTC).
pub(super) fn iso_datetime(ms: u64) -> String {
    let (year, month, day) = civil_from_days(ms / DAY_MS);
    let in_day = ms % DAY_MS;
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        in_day / 3_600_000,
        in_day / 60_000 % 60,
        in_day / 1_000 % 60,
        in_day % 1_000
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_and_instants() {
        assert_eq!(day_start_ms("1970-01-01", "--from").unwrap(), 0);
        assert_eq!(
            day_start_ms("2026-12-07", "--from").unwrap(),
            1_796_601_600_000
        );
        assert_eq!(
            iso_datetime(1_796_601_600_000 + 3_723_004),
            "2026-12-07T01:02:03.004Z"
        );
        assert_eq!(iso_datetime(951_782_400_000), "2000-02-29T00:00:00.000Z");
        for bad in [
            "2026-13-01",
            "2026-02-29",
            "2026-1-01",
            "07.12.2026",
            "1969-12-31",
            "",
        ] {
            assert!(day_start_ms(bad, "--from").is_err(), "{bad}");
        }
        assert!(day_start_ms("2024-02-29", "--from").is_ok());
    }

    #[test]
    fn bytes_inside_newtypes() {
        let bytes = |b: &[u8]| Value::unnamed_composite(b.iter().map(|&x| Value::u128(x.into())));
        let bounded = Value::unnamed_composite([bytes(b"hi")]);
        assert_eq!(bytes_of(&bytes(b"hi")), Some(b"hi".to_vec()));
        assert_eq!(bytes_of(&bounded), Some(b"hi".to_vec()));
        assert_eq!(
            bytes_of(&Value::unnamed_composite([bytes(b"")])),
            Some(vec![])
        );
        // Two sequences, or a number over a byte, are not bytes.
        assert_eq!(
            bytes_of(&Value::unnamed_composite([bytes(b"a"), bytes(b"b")])),
            None
        );
        assert_eq!(
            bytes_of(&Value::unnamed_composite([Value::u128(256)])),
            None
        );
        let fields = Value::named_composite([("who", Value::unnamed_composite([bytes(&[9; 31])]))]);
        assert!(account(&fields, "who").is_err(), "31 bytes are no account");
    }

    #[test]
    fn csv_quotes_what_needs_it() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a, b"), "\"a, b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_field("a\nb\u{1b}[2J"), "a\u{FFFD}b\u{FFFD}[2J");
        assert_eq!(csv_field("x\u{202E}y"), "x\u{FFFD}y");
        assert_eq!(csv_field("می\u{200C}خواهم"), "می\u{200C}خواهم");
    }
}
