//! Benchmarks of `pallet-access`, each at its worst case: the most members, full
//! open-request lists and expiry slots, the longest purpose and wrapped key.

use super::*;
use frame_benchmarking::v2::*;
use frame_support::traits::fungible::Mutate;
use frame_system::RawOrigin;

const KEY: [u8; 32] = [7; 32];

fn max_text<T: Config>() -> PurposeTextOf<T> {
    PurposeTextOf::<T>::truncate_from(alloc::vec![b'p'; T::MaxPurposeLen::get() as usize])
}

/// The longest purpose: a 32-byte local code and the longest text.
fn max_purpose<T: Config>() -> PurposeOf<T> {
    let code = medchain_primitives::purpose::OtherCode::truncate_from(alloc::vec![
        b'c';
        medchain_primitives::purpose::MAX_OTHER_CODE_LEN
            as usize
    ]);
    PurposeOf::<T> {
        code: PurposeOfUse::Other(code),
        text: max_text::<T>(),
    }
}

fn max_wrapped_key<T: Config>() -> WrappedKeyOf<T> {
    WrappedKeyOf::<T>::truncate_from(alloc::vec![0xab; T::MaxWrappedKeyLen::get() as usize])
}

/// Fills the consortium to `MaxMembers`; returns the members.
fn full_membership<T: Config>() -> Vec<T::AccountId> {
    let current = T::Members::count() as u32;
    for i in current..T::MaxMembers::get() {
        T::Members::add(&account("member", i, 0));
    }
    T::Members::sorted_members()
}

fn demander<T: Config>(index: u32) -> T::AccountId {
    let who: T::AccountId = account("demander", index, 0);
    // Deposits for every request a benchmark opens, with room to spare.
    let funds = T::RequestDeposit::get()
        .saturating_mul(1_000u32.into())
        .saturating_add(T::Currency::minimum_balance());
    T::Currency::set_balance(&who, funds);
    Roles::<T>::insert(&who, RoleSet::default().with(Role::DataDemander));
    EncryptionKeys::<T>::insert(&who, KEY);
    who
}

/// A live record and its owner; its manager holds the manager role.
fn record<T: Config>() -> (RecordId, T::AccountId) {
    let owner: T::AccountId = account("owner", 0, 0);
    let manager: T::AccountId = account("manager", 0, 0);
    let record = T::Records::create_for_benchmarks(&owner, &manager);
    Roles::<T>::mutate(&manager, |set| {
        *set = Some(set.unwrap_or_default().with(Role::DataManager))
    });
    (record, owner)
}

/// Opens a request through the call, so that every index is as in real use.
fn open<T: Config>(demander: &T::AccountId, record: RecordId) -> RequestId {
    Pallet::<T>::request_access(
        RawOrigin::Signed(demander.clone()).into(),
        record,
        max_purpose::<T>(),
    )
    .expect("benchmark set-up opens a request");
    NextRequestId::<T>::get() - 1
}

/// Fills `demander`'s open list but one slot, each for a record of its own, in earlier
/// blocks so that the expiry slot of the measured block stays free.
fn fill_open_list<T: Config>(demander: &T::AccountId) {
    for i in 0..T::MaxOpenRequests::get().saturating_sub(1) {
        frame_system::Pallet::<T>::set_block_number(i.into());
        let (record, _) = record::<T>();
        open::<T>(demander, record);
    }
    frame_system::Pallet::<T>::set_block_number(T::MaxOpenRequests::get().into());
}

/// An approved request of a demander whose list of requests in progress is full.
fn approved_request<T: Config>() -> (RequestId, T::AccountId) {
    let members = full_membership::<T>();
    let who = demander::<T>(0);
    fill_open_list::<T>(&who);
    let (record, owner) = record::<T>();
    let request = open::<T>(&who, record);
    let threshold = Requests::<T>::get(request).expect("opened").threshold as usize;
    for member in members.iter().take(threshold) {
        Pallet::<T>::vote(RawOrigin::Signed(member.clone()).into(), request, true)
            .expect("members approve");
    }
    (request, owner)
}

/// Gives a demander the emergency-access role too.
fn emergency_demander<T: Config>(index: u32) -> T::AccountId {
    let who = demander::<T>(index);
    Roles::<T>::mutate(&who, |set| {
        *set = Some(set.unwrap_or_default().with(Role::EmergencyAccess))
    });
    who
}

/// An emergency access opened through the call by a demander whose list of requests in
/// progress is then full, with the most members to review it.
fn emergency<T: Config>() -> (RequestId, T::AccountId, Vec<T::AccountId>) {
    let members = full_membership::<T>();
    let who = emergency_demander::<T>(0);
    fill_open_list::<T>(&who);
    let (record, owner) = record::<T>();
    Pallet::<T>::break_glass(RawOrigin::Signed(who).into(), record, max_text::<T>())
        .expect("benchmark set-up breaks the glass");
    (NextRequestId::<T>::get() - 1, owner, members)
}

/// The worst case of opening a request or an emergency (`emergency`) for `who`, who
/// holds both demander roles: the most members; `who`'s list of requests in progress
/// full but one; the expiry slot the new one lands in full but one, with other
/// demanders' requests of the same kind for the same record; and an unexpired
/// emergency grant of `who` for the record, from before its emergency role was last
/// given: read, with its review, both roles and their starts, and found to give nothing.
fn crowded<T: Config>(who: &T::AccountId, emergency: bool) -> RecordId {
    full_membership::<T>();
    fill_open_list::<T>(who);
    // Past the expiry slots of the list's requests, which a short emergency could share.
    let now = frame_system::Pallet::<T>::block_number().saturating_add(T::RequestTtl::get());
    frame_system::Pallet::<T>::set_block_number(now);
    let (record, _) = record::<T>();
    for i in 1..T::MaxExpiriesPerBlock::get() {
        let other = emergency_demander::<T>(i);
        if emergency {
            Pallet::<T>::break_glass(RawOrigin::Signed(other).into(), record, max_text::<T>())
                .expect("benchmark set-up breaks the glass");
        } else {
            open::<T>(&other, record);
        }
    }
    // `who`'s first request stands for an old emergency.
    Reviews::<T>::insert(
        0,
        Review {
            reviewers: 1,
            threshold: 1,
            justified: 0,
            unjustified: 0,
            status: ReviewStatus::Pending,
            until_block: now,
        },
    );
    Grants::<T>::insert(
        record,
        who,
        Grant {
            request: 0,
            delivered_by: who.clone(),
            wrapped_key: max_wrapped_key::<T>(),
            granted_at_ms: 0,
            expires_block: now.saturating_add(T::GrantTtl::get()),
        },
    );
    EmergencySince::<T>::insert(who, 1);
    record
}

#[benchmarks]
mod benchmarks {
    use super::*;

    #[benchmark]
    fn assign_role() -> Result<(), BenchmarkError> {
        let origin =
            T::AdminOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
        let who: T::AccountId = account("who", 0, 0);

        #[extrinsic_call]
        _(origin as T::RuntimeOrigin, who.clone(), Role::DataDemander);

        assert!(Pallet::<T>::has_role(&who, Role::DataDemander));
        Ok(())
    }

    #[benchmark]
    fn revoke_role() -> Result<(), BenchmarkError> {
        let origin =
            T::AdminOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
        let who = demander::<T>(0);

        #[extrinsic_call]
        _(origin as T::RuntimeOrigin, who.clone(), Role::DataDemander);

        assert!(!Pallet::<T>::has_role(&who, Role::DataDemander));
        Ok(())
    }

    #[benchmark]
    fn set_encryption_key() {
        let who = demander::<T>(0);
        EncryptionKeys::<T>::remove(&who);

        #[extrinsic_call]
        _(RawOrigin::Signed(who.clone()), KEY);

        assert_eq!(EncryptionKeys::<T>::get(&who), Some(KEY));
    }

    #[benchmark]
    fn request_access() {
        let who = emergency_demander::<T>(0);
        let record = crowded::<T>(&who, false);
        let purpose = max_purpose::<T>();

        #[extrinsic_call]
        _(RawOrigin::Signed(who.clone()), record, purpose);

        assert_eq!(
            OpenRequests::<T>::get(&who).len() as u32,
            T::MaxOpenRequests::get()
        );
        let now = frame_system::Pallet::<T>::block_number();
        assert!(Expiries::<T>::get(now.saturating_add(T::RequestTtl::get())).is_full());
    }

    /// The deciding nay with the most members: it also rejects the request and takes it
    /// off a full list of requests in progress.
    #[benchmark]
    fn vote() {
        let members = full_membership::<T>();
        let who = demander::<T>(0);
        fill_open_list::<T>(&who);
        let (record, _) = record::<T>();
        let request = open::<T>(&who, record);
        let req = Requests::<T>::get(request).expect("opened");
        // Rejection comes with the nay that makes the nays exceed members - threshold.
        let deciding = (req.members - req.threshold) as usize;
        for member in members.iter().take(deciding) {
            Pallet::<T>::vote(RawOrigin::Signed(member.clone()).into(), request, false)
                .expect("members vote");
        }
        let last = members[deciding].clone();

        #[extrinsic_call]
        _(RawOrigin::Signed(last), request, false);

        assert_eq!(
            Requests::<T>::get(request).map(|r| r.status),
            Some(RequestStatus::Rejected)
        );
    }

    /// Delivered by the manager, the longer path (owner, then manager and its role).
    #[benchmark]
    fn deliver_key() {
        let (request, _) = approved_request::<T>();
        let manager: T::AccountId = account("manager", 0, 0);
        let key = max_wrapped_key::<T>();

        #[extrinsic_call]
        _(RawOrigin::Signed(manager), request, key);

        assert_eq!(
            Requests::<T>::get(request).map(|r| r.status),
            Some(RequestStatus::Delivered)
        );
    }

    /// The owner replaces the key its manager delivered (the other path of
    /// `deliver_key`; the call is charged the larger of the two).
    #[benchmark]
    fn replace_key() {
        let (request, owner) = approved_request::<T>();
        let manager: T::AccountId = account("manager", 0, 0);
        Pallet::<T>::deliver_key(
            RawOrigin::Signed(manager).into(),
            request,
            max_wrapped_key::<T>(),
        )
        .expect("the manager delivers");
        let key = max_wrapped_key::<T>();

        #[extrinsic_call]
        deliver_key(RawOrigin::Signed(owner.clone()), request, key);

        let req = Requests::<T>::get(request).expect("opened");
        assert_eq!(
            Grants::<T>::get(req.record, &req.demander).map(|g| g.delivered_by),
            Some(owner)
        );
    }

    #[benchmark]
    fn revoke_grant() {
        let (request, owner) = approved_request::<T>();
        Pallet::<T>::deliver_key(
            RawOrigin::Signed(owner.clone()).into(),
            request,
            max_wrapped_key::<T>(),
        )
        .expect("the owner delivers");
        let req = Requests::<T>::get(request).expect("opened");

        #[extrinsic_call]
        _(RawOrigin::Signed(owner), req.record, req.demander.clone());

        assert!(!Grants::<T>::contains_key(req.record, &req.demander));
    }

    /// A delivered emergency access, reviewed, whose grant is unexpired but older than
    /// the demander's role (revoked and given again: the longest check), with `v`
    /// verdicts: the grant, the review and its verdicts, the request and its deposit all
    /// go. (An ordinary request has as many votes instead, and no review.)
    #[benchmark]
    fn reap_request(v: Linear<1, { T::MaxMembers::get() }>) {
        let (request, owner, _) = emergency::<T>();
        Pallet::<T>::deliver_key(
            RawOrigin::Signed(owner).into(),
            request,
            max_wrapped_key::<T>(),
        )
        .expect("the owner delivers");
        let req = Requests::<T>::get(request).expect("opened");
        for i in 0..v {
            ReviewVotes::<T>::insert(request, account::<T::AccountId>("voter", i, 0), true);
        }
        Reviews::<T>::mutate(request, |review| {
            if let Some(review) = review {
                (review.justified, review.status) = (v, ReviewStatus::Justified);
            }
        });
        DemanderSince::<T>::insert(&req.demander, request.saturating_add(1));
        let reaper: T::AccountId = account("reaper", 0, 0);

        #[extrinsic_call]
        _(RawOrigin::Signed(reaper), request);

        assert!(!Requests::<T>::contains_key(request));
        assert!(!Grants::<T>::contains_key(req.record, &req.demander));
        assert!(!Reviews::<T>::contains_key(request));
        assert_eq!(ReviewVotes::<T>::iter_prefix(request).count(), 0);
    }

    /// As `request_access` at its worst, with the demander's last emergency of the
    /// period and the longest reason.
    #[benchmark]
    fn break_glass() {
        let who = emergency_demander::<T>(0);
        let record = crowded::<T>(&who, true);
        let now = frame_system::Pallet::<T>::block_number();
        let period_start = Pallet::<T>::emergency_period_start(now);
        EmergencyUses::<T>::insert(
            &who,
            (
                period_start,
                T::MaxEmergenciesPerPeriod::get().saturating_sub(1),
            ),
        );
        let reason = max_text::<T>();

        #[extrinsic_call]
        _(RawOrigin::Signed(who.clone()), record, reason);

        let request = NextRequestId::<T>::get() - 1;
        assert_eq!(
            Requests::<T>::get(request).map(|r| r.status),
            Some(RequestStatus::Approved)
        );
        let expires_block = now.saturating_add(T::EmergencyGrantTtl::get());
        assert!(Expiries::<T>::get(expires_block).is_full());
        assert_eq!(
            EmergencyUses::<T>::get(&who).map(|(_, count)| count),
            Some(T::MaxEmergenciesPerPeriod::get())
        );
    }

    /// The deciding "unjustified" with the most members, before the key came: the
    /// request is rejected and taken off a full list, the role is taken.
    #[benchmark]
    fn review_emergency() {
        let (request, _, members) = emergency::<T>();
        let review = Reviews::<T>::get(request).expect("opened");
        let deciding = (review.reviewers - review.threshold) as usize;
        for member in members.iter().take(deciding) {
            Pallet::<T>::review_emergency(RawOrigin::Signed(member.clone()).into(), request, false)
                .expect("members judge");
        }
        let last = members[deciding].clone();
        // The council took the demander role since: losing the emergency role empties
        // the role set, which takes the published key and the role's start too.
        let demander = Requests::<T>::get(request).expect("opened").demander;
        Roles::<T>::insert(&demander, RoleSet::default().with(Role::EmergencyAccess));
        DemanderSince::<T>::remove(&demander);

        #[extrinsic_call]
        _(RawOrigin::Signed(last), request, false);

        assert_eq!(
            Reviews::<T>::get(request).map(|r| r.status),
            Some(ReviewStatus::Unjustified)
        );
        assert!(!EncryptionKeys::<T>::contains_key(&demander));
        assert_eq!(
            Requests::<T>::get(request).map(|r| r.status),
            Some(RequestStatus::Rejected)
        );
    }

    /// `n` requests expire, each taken off a full open list.
    #[benchmark]
    fn on_initialize(n: Linear<0, { T::MaxExpiriesPerBlock::get() }>) {
        full_membership::<T>();
        let mut expiring = Vec::new();
        for i in 0..n {
            let who = demander::<T>(i);
            fill_open_list::<T>(&who);
            let (record, _) = record::<T>();
            expiring.push(open::<T>(&who, record));
        }
        let due = frame_system::Pallet::<T>::block_number().saturating_add(T::RequestTtl::get());

        #[block]
        {
            Pallet::<T>::on_initialize(due);
        }

        for request in expiring {
            assert_eq!(
                Requests::<T>::get(request).map(|r| r.status),
                Some(RequestStatus::Expired)
            );
        }
    }

    impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
