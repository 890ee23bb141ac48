//! The accounting of disclosures as FHIR R5 resources: a `Bundle` (type `collection`)
//! holding, for each disclosure, a `Consent` (who permitted whom to read which record,
//! for what purpose, verified by which members) and an `AuditEvent` (the key's
//! delivery: an export of the record). Accounts are identifiers of the system
//! [`ACCOUNT_SYSTEM`], records of [`RECORD_SYSTEM`]; purposes are codings of HL7 v3
//! PurposeOfUse, or of [`LOCAL_PURPOSE_SYSTEM`] for local codes.

use medchain_primitives::purpose::{PurposeOfUse, PURPOSE_CODE_SYSTEM};
use serde_json::{json, Value};
use subxt::utils::AccountId32;

use super::disclosures::{iso_datetime, Disclosure};
use crate::account::address_of;

/// Identifier system of MedChain accounts (SS58 addresses).
pub const ACCOUNT_SYSTEM: &str = "urn:medchain:account";
/// Identifier system of MedChain record ids.
pub const RECORD_SYSTEM: &str = "urn:medchain:record";
/// Code system of purposes that are not HL7's (a consortium's local codes, `UNCODED`).
pub const LOCAL_PURPOSE_SYSTEM: &str = "urn:medchain:purpose";

/// The Bundle of the disclosures of `owner`'s records.
pub(super) fn bundle(owner: &AccountId32, disclosures: &[Disclosure]) -> Value {
    let entry: Vec<Value> = disclosures
        .iter()
        .flat_map(|d| [consent(owner, d), audit_event(d)])
        .map(|resource| json!({ "resource": resource }))
        .collect();
    json!({
        "resourceType": "Bundle",
        "type": "collection",
        "entry": entry,
    })
}

fn account(who: &AccountId32) -> Value {
    json!({ "identifier": { "system": ACCOUNT_SYSTEM, "value": address_of(who) } })
}

fn record(id: u64) -> Value {
    json!({ "identifier": { "system": RECORD_SYSTEM, "value": id.to_string() } })
}

/// A purpose as a FHIR `Coding`.
fn coding(purpose: &PurposeOfUse) -> Value {
    let system = if purpose.is_hl7() {
        PURPOSE_CODE_SYSTEM
    } else {
        LOCAL_PURPOSE_SYSTEM
    };
    let mut coding = json!({ "system": system, "code": purpose.code() });
    if let Some(display) = purpose.display() {
        coding["display"] = display.into();
    }
    coding
}

fn consent(owner: &AccountId32, d: &Disclosure) -> Value {
    let ended = d.revoked_at_ms.is_some() || d.review == Some("unjustified");
    let mut provision = json!({
        "period": { "start": iso_datetime(d.delivered_at_ms) },
        "actor": [{
            "role": { "coding": [{
                "system": "http://terminology.hl7.org/CodeSystem/v3-ParticipationType",
                "code": "IRCP",
                "display": "information recipient",
            }] },
            "reference": account(&d.demander),
        }],
        "data": [{ "meaning": "instance", "reference": record(d.record) }],
    });
    if let Some(end) = d.revoked_at_ms {
        provision["period"]["end"] = iso_datetime(end).into();
    }
    if let Some((purpose, _)) = &d.purpose {
        provision["purpose"] = json!([coding(purpose)]);
    }
    let mut consent = json!({
        "resourceType": "Consent",
        "id": format!("medchain-request-{}", d.request),
        "status": if ended { "inactive" } else { "active" },
        "date": &iso_datetime(d.delivered_at_ms)[..10],
        "grantor": [account(owner)],
        "grantee": [account(&d.demander)],
        "decision": "permit",
        "provision": [provision],
    });
    let verification: Vec<Value> = d
        .approvers
        .iter()
        .map(|member| json!({ "verified": true, "verifiedBy": account(member) }))
        .collect();
    if !verification.is_empty() {
        consent["verification"] = verification.into();
    }
    consent
}

fn audit_event(d: &Disclosure) -> Value {
    let at = iso_datetime(d.delivered_at_ms);
    let mut event = json!({
        "resourceType": "AuditEvent",
        "id": format!("medchain-disclosure-{}-{}", d.record, d.request),
        "category": [{ "coding": [{
            "system": "http://dicom.nema.org/resources/ontology/DCM",
            "code": "110106",
            "display": "Export",
        }] }],
        "code": { "coding": [{
            "system": "http://dicom.nema.org/resources/ontology/DCM",
            "code": "110106",
            "display": "Export",
        }] },
        "action": "R",
        "occurredDateTime": at,
        "recorded": at,
        "outcome": { "code": {
            "system": "http://terminology.hl7.org/CodeSystem/audit-event-outcome",
            "code": "0",
            "display": "Success",
        } },
        "agent": [
            { "who": account(&d.demander), "requestor": true },
            { "who": account(&d.delivered_by), "requestor": false },
        ],
        "source": { "observer": { "display": format!("MedChain, block {}", d.block) } },
        "entity": [{ "what": record(d.record) }],
    });
    if let Some((purpose, text)) = &d.purpose {
        let mut concept = json!({ "coding": [coding(purpose)] });
        // The demander's own words as the concept's text; FHIR has no empty strings.
        if !text.is_empty() {
            concept["text"] = text.as_str().into();
        }
        event["authorization"] = json!([concept]);
    }
    if d.emergency {
        event["severity"] = "alert".into();
    }
    event
}

#[cfg(test)]
mod tests {
    use super::*;

    fn disclosure(text: &str) -> Disclosure {
        Disclosure {
            record: 7,
            request: 3,
            demander: AccountId32([2; 32]),
            delivered_by: AccountId32([1; 32]),
            delivered_at_ms: 1_796_601_600_000,
            block: 40,
            purpose: Some((PurposeOfUse::from_code("LOCAL-AUDIT").unwrap(), text.into())),
            approvers: vec![],
            emergency: false,
            review: None,
            revoked_at_ms: None,
        }
    }

    #[test]
    fn no_empty_strings_and_local_codes_in_their_own_system() {
        let owner = AccountId32([1; 32]);
        let bundle = bundle(&owner, &[disclosure("")]);
        let event = &bundle["entry"][1]["resource"];
        assert_eq!(event["resourceType"], "AuditEvent");
        let concept = &event["authorization"][0];
        assert!(concept.get("text").is_none(), "{concept}");
        assert_eq!(concept["coding"][0]["system"], LOCAL_PURPOSE_SYSTEM);
        assert!(concept["coding"][0].get("display").is_none());
        // Without approvers there is no empty verification list.
        assert!(bundle["entry"][0]["resource"].get("verification").is_none());
        let with_text = bundle_text(&owner, "audit of the ward");
        assert_eq!(with_text, "audit of the ward");
    }

    fn bundle_text(owner: &AccountId32, text: &str) -> String {
        bundle(owner, &[disclosure(text)])["entry"][1]["resource"]["authorization"][0]["text"]
            .as_str()
            .unwrap()
            .to_string()
    }
}
