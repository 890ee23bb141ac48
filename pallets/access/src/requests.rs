//! The life of a request, shared by the calls: who holds which role since when, opening
//! (ordinary or emergency), whether a grant is current, delivery checks, closing,
//! expiry, and the audited deposit of events.

use frame_support::{
    pallet_prelude::*,
    traits::{fungible::MutateHold, SortedMembers, Time},
};
use frame_system::pallet_prelude::BlockNumberFor;
use medchain_primitives::{
    AuditLog, RecordId, RecordProvider, Request, RequestId, RequestStatus, Role,
};

use crate::{
    threshold_for, Config, DemanderSince, EmergencySince, EncryptionKeys, Error, Event, Expiries,
    GrantOf, Grants, HoldReason, NextRequestId, OpenRequests, Pallet, PurposeOf, RequestDeposits,
    RequestOf, Requests, Reviews, Roles, WrappedKeyOf,
};

/// A request just opened by `Pallet::open_request`.
pub(crate) struct Opened {
    pub(crate) id: RequestId,
    pub(crate) at_ms: u64,
}

impl<T: Config> Pallet<T> {
    pub(crate) fn has_role(who: &T::AccountId, role: Role) -> bool {
        Roles::<T>::get(who).is_some_and(|set| set.contains(role))
    }

    /// Takes `role` from `who` (who holds it). A demander's role start goes with the
    /// role; an account left without any role also loses its published key.
    pub(crate) fn remove_role(who: T::AccountId, role: Role) {
        let set = Roles::<T>::get(&who).unwrap_or_default().without(role);
        match role {
            Role::DataDemander => DemanderSince::<T>::remove(&who),
            Role::EmergencyAccess => EmergencySince::<T>::remove(&who),
            Role::DataOwner | Role::DataManager => {}
        }
        if set.is_empty() {
            // Without a role the key serves nothing; it is not kept for free.
            Roles::<T>::remove(&who);
            EncryptionKeys::<T>::remove(&who);
        } else {
            Roles::<T>::insert(&who, set);
        }
        Self::deposit_event(Event::RoleRevoked {
            who,
            role,
            at_ms: T::Time::now(),
        });
    }

    /// Opens a request of `demander` (whose role the caller checked) for `record`:
    /// open for a vote, or for an `emergency` approved at once; expiring at
    /// `expires_block`. Every other check of a request first, then the writes and the
    /// deposit. The caller emits the event.
    ///
    /// Ordinary requests and emergencies do not block each other: a demander waiting for
    /// a vote may still break the glass, and one with an emergency access may ask for
    /// lasting access. Any current grant refuses an emergency; only an ordinary one
    /// refuses a request.
    pub(crate) fn open_request(
        demander: &T::AccountId,
        record: RecordId,
        purpose: PurposeOf<T>,
        emergency: bool,
        expires_block: BlockNumberFor<T>,
    ) -> Result<Opened, DispatchError> {
        ensure!(
            T::Records::owner(record).is_some(),
            Error::<T>::UnknownRecord
        );
        let members = T::Members::count() as u32;
        ensure!(members > 0, Error::<T>::NoMembers);
        let now = frame_system::Pallet::<T>::block_number();
        ensure!(
            !Grants::<T>::get(record, demander).is_some_and(|g| {
                Self::grant_is_current(demander, &g, now)
                    && (emergency || !Reviews::<T>::contains_key(g.request))
            }),
            Error::<T>::AlreadyGranted
        );
        let mut open = OpenRequests::<T>::get(demander);
        ensure!(
            !open
                .iter()
                .any(|(id, r)| *r == record && Reviews::<T>::contains_key(id) == emergency),
            Error::<T>::RequestAlreadyOpen
        );
        let id = NextRequestId::<T>::get();
        let next = id.checked_add(1).ok_or(Error::<T>::RequestIdOverflow)?;
        open.try_push((id, record))
            .map_err(|_| Error::<T>::TooManyOpenRequests)?;
        let mut expiring = Expiries::<T>::get(expires_block);
        expiring
            .try_push(id)
            .map_err(|_| Error::<T>::TooManyRequestsInBlock)?;

        let deposit = T::RequestDeposit::get();
        T::Currency::hold(&HoldReason::RequestDeposit.into(), demander, deposit)
            .map_err(|_| Error::<T>::InsufficientDeposit)?;

        RequestDeposits::<T>::insert(id, deposit);
        NextRequestId::<T>::put(next);
        OpenRequests::<T>::insert(demander, open);
        Expiries::<T>::insert(expires_block, expiring);
        let at_ms = T::Time::now();
        Requests::<T>::insert(
            id,
            Request {
                record,
                demander: demander.clone(),
                purpose,
                members,
                threshold: threshold_for(members),
                ayes: 0,
                nays: 0,
                status: if emergency {
                    RequestStatus::Approved
                } else {
                    RequestStatus::Open
                },
                opened_at_ms: at_ms,
                expires_block,
            },
        );
        Ok(Opened { id, at_ms })
    }

    /// Whether `who` is the live record's manager and still holds the manager role.
    pub(crate) fn is_acting_manager(record: RecordId, who: &T::AccountId) -> bool {
        T::Records::manager(record).as_ref() == Some(who) && Self::has_role(who, Role::DataManager)
    }

    /// Whether a demander's grant is current: unexpired and answering a request opened
    /// under the demander's current roles (held now, not revoked since): the
    /// data-demander role, and for an emergency access the emergency-access role too.
    pub(crate) fn grant_is_current(
        demander: &T::AccountId,
        grant: &GrantOf<T>,
        now: BlockNumberFor<T>,
    ) -> bool {
        grant.expires_block > now
            && Self::holds_since(demander, Role::DataDemander, grant.request)
            && (!Reviews::<T>::contains_key(grant.request)
                || Self::holds_since(demander, Role::EmergencyAccess, grant.request))
    }

    /// Whether `who` holds `role` and held it already when `request` opened (not under
    /// one revoked since): the demander roles keep the first request id they cover.
    pub(crate) fn holds_since(who: &T::AccountId, role: Role, request: RequestId) -> bool {
        let since = match role {
            Role::DataDemander => DemanderSince::<T>::get(who),
            Role::EmergencyAccess => EmergencySince::<T>::get(who),
            Role::DataOwner | Role::DataManager => None,
        };
        Self::has_role(who, role) && request >= since.unwrap_or_default()
    }

    /// Whether `grant` lets `demander` read the live `record` now.
    pub(crate) fn grant_gives_access(
        record: RecordId,
        demander: &T::AccountId,
        grant: &GrantOf<T>,
        now: BlockNumberFor<T>,
    ) -> bool {
        T::Records::owner(record).is_some() && Self::grant_is_current(demander, grant, now)
    }

    /// Refuses a delivery the demander could not use: a role is gone or newer than the
    /// request (the emergency-access role too for an emergency, which also may not
    /// replace a current ordinary grant), no key is published, or nothing was sealed.
    pub(crate) fn ensure_deliverable(
        request: RequestId,
        req: &RequestOf<T>,
        wrapped_key: &WrappedKeyOf<T>,
    ) -> DispatchResult {
        let demander = &req.demander;
        ensure!(
            Self::has_role(demander, Role::DataDemander),
            Error::<T>::NotDataDemander
        );
        ensure!(
            Self::holds_since(demander, Role::DataDemander, request),
            Error::<T>::RequestPredatesRole
        );
        if Reviews::<T>::contains_key(request) {
            ensure!(
                Self::has_role(demander, Role::EmergencyAccess),
                Error::<T>::NotEmergencyAccess
            );
            ensure!(
                Self::holds_since(demander, Role::EmergencyAccess, request),
                Error::<T>::RequestPredatesRole
            );
            let now = frame_system::Pallet::<T>::block_number();
            ensure!(
                !Grants::<T>::get(req.record, demander).is_some_and(|g| g.request != request
                    && !Reviews::<T>::contains_key(g.request)
                    && Self::grant_is_current(demander, &g, now)),
                Error::<T>::AlreadyGranted
            );
        }
        ensure!(
            EncryptionKeys::<T>::contains_key(demander),
            Error::<T>::NoEncryptionKey
        );
        ensure!(!wrapped_key.is_empty(), Error::<T>::EmptyWrappedKey);
        Ok(())
    }

    /// `deliver_key` on a delivered request: the owner replaces the key its
    /// manager delivered, while that grant still stands.
    pub(crate) fn replace_manager_key(
        request: RequestId,
        req: &RequestOf<T>,
        by: &T::AccountId,
        owner: &T::AccountId,
        wrapped_key: WrappedKeyOf<T>,
    ) -> DispatchResult {
        let grant = Grants::<T>::get(req.record, &req.demander).filter(|g| g.request == request);
        let Some(mut grant) = grant.filter(|g| by == owner && g.delivered_by != *owner) else {
            return Err(Error::<T>::KeyAlreadyDelivered.into());
        };
        Self::ensure_deliverable(request, req, &wrapped_key)?;
        grant.delivered_by = owner.clone();
        grant.wrapped_key = wrapped_key;
        Grants::<T>::insert(req.record, &req.demander, grant);
        Self::emit(
            req.record,
            Event::KeyReplaced {
                request,
                record: req.record,
                demander: req.demander.clone(),
                at_ms: T::Time::now(),
            },
        );
        Ok(())
    }

    /// Takes a finished request off its demander's list of requests in progress.
    pub(crate) fn close(request: RequestId, demander: &T::AccountId) {
        OpenRequests::<T>::mutate_exists(demander, |open| {
            if let Some(list) = open {
                list.retain(|(id, _)| *id != request);
                if list.is_empty() {
                    *open = None;
                }
            }
        });
    }

    pub(crate) fn expire(request: RequestId) {
        let Some(mut req) = Requests::<T>::get(request) else {
            return;
        };
        if !matches!(req.status, RequestStatus::Open | RequestStatus::Approved) {
            return;
        }
        req.status = RequestStatus::Expired;
        Self::close(request, &req.demander);
        Requests::<T>::insert(request, &req);
        let record = req.record;
        Self::emit(
            record,
            Event::RequestExpired {
                request,
                record,
                at_ms: T::Time::now(),
            },
        );
    }

    /// Extends `record`'s audit head with the event, then deposits it.
    pub(crate) fn emit(record: RecordId, event: Event<T>) {
        let event = <T as frame_system::Config>::RuntimeEvent::from(event);
        <Self as AuditLog>::record_operation(record, &event.encode());
        frame_system::Pallet::<T>::deposit_event(event);
    }
}
