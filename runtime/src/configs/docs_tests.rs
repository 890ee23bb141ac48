//! What Polkadot.js Apps shows of our pallets reads as plain sentences: no rustdoc link
//! syntax (`[`Event::X`]`, `[text](url)`) in the docs of their calls, events, errors,
//! storage items and constants, or of the fields of those calls and events.

use scale_info::{TypeDef, TypeInfo};

use crate::Runtime;

/// A doc line that shows rustdoc link syntax, if any.
fn link_syntax(docs: &[&'static str]) -> Option<&'static str> {
    docs.iter()
        .copied()
        .find(|line| line.contains("[`") || line.contains("]("))
}

/// Every doc line of a call, event or error enum: its variants' and their fields'.
fn variant_docs<E: TypeInfo>() -> Vec<(String, Vec<&'static str>)> {
    let ty = E::type_info();
    let TypeDef::Variant(def) = ty.type_def else {
        panic!("{:?} is not an enum", ty.path);
    };
    let mut docs = Vec::new();
    for variant in def.variants {
        docs.push((
            format!("{:?}::{}", ty.path, variant.name),
            variant.docs.clone(),
        ));
        for field in variant.fields {
            let name = format!("{:?}::{}.{:?}", ty.path, variant.name, field.name);
            docs.push((name, field.docs.clone()));
        }
    }
    docs
}

macro_rules! pallet_docs {
    ($pallet:ident) => {{
        let mut docs = variant_docs::<$pallet::Call<Runtime>>();
        docs.extend(variant_docs::<$pallet::Event<Runtime>>());
        docs.extend(variant_docs::<$pallet::Error<Runtime>>());
        let storage = $pallet::Pallet::<Runtime>::storage_metadata();
        for entry in storage.entries {
            docs.push((format!("{}::{}", storage.prefix, entry.name), entry.docs));
        }
        for constant in $pallet::Pallet::<Runtime>::pallet_constants_metadata() {
            docs.push((
                format!("{} constant {}", stringify!($pallet), constant.name),
                constant.docs,
            ));
        }
        docs
    }};
}

#[test]
fn what_apps_shows_of_our_pallets_is_plain_text() {
    let mut docs = pallet_docs!(pallet_medical_records);
    docs.extend(pallet_docs!(pallet_access));
    docs.extend(pallet_docs!(pallet_validator_set));
    assert!(
        docs.len() > 100,
        "{} doc items: the walk found too few",
        docs.len()
    );
    let calls_documented = variant_docs::<pallet_access::Call<Runtime>>()
        .iter()
        .filter(|(name, lines)| !name.contains('.') && !lines.is_empty())
        .count();
    assert!(calls_documented >= 5, "the calls carry their docs");
    let shown: Vec<String> = docs
        .iter()
        .filter_map(|(item, lines)| link_syntax(lines).map(|line| format!("{item}: {line}")))
        .collect();
    assert!(
        shown.is_empty(),
        "rustdoc links in docs Apps shows:\n{}",
        shown.join("\n")
    );
}

#[test]
fn the_check_sees_link_syntax() {
    assert_eq!(
        link_syntax(&["Emits [`Event::Voted`]."]),
        Some("Emits [`Event::Voted`].")
    );
    assert!(link_syntax(&["see [the book](https://example.org)"]).is_some());
    assert_eq!(link_syntax(&["Emits `Voted`."]), None);
}
