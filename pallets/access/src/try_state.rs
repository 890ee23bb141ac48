//! The pallet's invariants, checked by `try_state` and after every test.

use frame_support::pallet_prelude::*;
use medchain_primitives::{purpose::PurposeOfUse, RequestStatus, Role};
use sp_runtime::traits::Saturating;

use crate::{
    threshold_for, AuditHeads, AuditTails, BalanceOf, Config, DemanderSince, Expiries, Grants,
    HoldReason, NextRequestId, OpenRequests, Pallet, RequestDeposits, Requests, Reviews, Roles,
    Votes,
};

impl<T: Config> Pallet<T> {
    /// The invariants: vote counts match the votes, thresholds match the member counts,
    /// requests in progress are listed with their demander and their expiry block (and
    /// only those), grants answer delivered requests, and no empty role set or list is kept.
    #[cfg(any(feature = "try-runtime", test))]
    pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
        use frame_support::traits::fungible::InspectHold;
        let next = NextRequestId::<T>::get();
        let mut open = 0usize;
        let mut deposits: alloc::collections::BTreeMap<T::AccountId, BalanceOf<T>> =
            Default::default();
        for (id, req) in Requests::<T>::iter() {
            ensure!(id < next, "a request id is not below NextRequestId");
            ensure!(
                req.threshold == threshold_for(req.members),
                "a threshold is not ⌈members/2⌉"
            );
            // BTG is break-glass's alone, and every emergency has its review.
            ensure!(
                (req.purpose.code == PurposeOfUse::Btg) == Reviews::<T>::contains_key(id),
                "a BTG request without a review, or a review of another purpose"
            );
            ensure!(
                req.purpose.code.is_well_formed() || req.purpose.code == PurposeOfUse::Uncoded,
                "a stored purpose code is malformed"
            );
            let (mut ayes, mut nays) = (0u32, 0u32);
            for (_, aye) in Votes::<T>::iter_prefix(id) {
                if aye {
                    ayes += 1;
                } else {
                    nays += 1;
                }
            }
            ensure!(
                req.ayes == ayes && req.nays == nays,
                "a request's counts differ from its votes"
            );
            let listed = OpenRequests::<T>::get(&req.demander).contains(&(id, req.record));
            let in_progress = matches!(req.status, RequestStatus::Open | RequestStatus::Approved);
            if in_progress {
                open += 1;
                ensure!(
                    listed,
                    "a request in progress is missing from its demander's list"
                );
                ensure!(
                    Expiries::<T>::get(req.expires_block).contains(&id),
                    "a request in progress is missing from its expiry block"
                );
            } else {
                ensure!(!listed, "a finished request is on its demander's list");
            }
            // Requests opened since self-votes are refused hold a deposit.
            if let Some(deposit) = RequestDeposits::<T>::get(id) {
                for (member, _) in Votes::<T>::iter_prefix(id) {
                    ensure!(
                        member != req.demander,
                        "a demander voted on its own request"
                    );
                }
                let sum = deposits.entry(req.demander.clone()).or_default();
                *sum = sum.saturating_add(deposit);
            }
            if req.status == RequestStatus::Open {
                ensure!(
                    req.ayes < req.threshold
                        && req.nays <= req.members.saturating_sub(req.threshold),
                    "an open request should have been decided"
                );
            }
        }
        let mut listed = 0usize;
        for (_, list) in OpenRequests::<T>::iter() {
            ensure!(!list.is_empty(), "an empty open-request list is stored");
            listed += list.len();
        }
        ensure!(
            listed == open,
            "the lists hold requests that are not in progress"
        );
        for (record, demander, grant) in Grants::<T>::iter() {
            let req = Requests::<T>::get(grant.request).ok_or("a grant's request is missing")?;
            ensure!(
                req.status == RequestStatus::Delivered
                    && req.record == record
                    && req.demander == demander,
                "a grant does not answer a delivered request of its record and demander"
            );
        }
        for (_, set) in Roles::<T>::iter() {
            ensure!(!set.is_empty(), "an empty role set is stored");
        }
        for (id, _) in RequestDeposits::<T>::iter() {
            ensure!(
                Requests::<T>::contains_key(id),
                "a deposit is held for a reaped request"
            );
        }
        for (demander, sum) in deposits {
            ensure!(
                T::Currency::balance_on_hold(&HoldReason::RequestDeposit.into(), &demander) == sum,
                "a demander's held request deposit differs from its requests' deposits"
            );
        }
        for (record, tail) in AuditTails::<T>::iter() {
            ensure!(
                AuditHeads::<T>::contains_key(record) && tail.indexed > 0,
                "an audit tail is kept for a record without operations"
            );
        }
        Self::emergency_try_state()?;
        for (who, since) in DemanderSince::<T>::iter() {
            ensure!(
                Self::has_role(&who, Role::DataDemander) && since <= next,
                "a demander's role start is kept without the role, or in the future"
            );
        }
        Ok(())
    }
}
