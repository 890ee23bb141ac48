//! Emergency (break-glass) access: opened at once by a demander holding the
//! emergency-access role, capped per period, reviewed by the members afterwards.

use frame_support::{
    pallet_prelude::*,
    traits::{SortedMembers, Time},
};
use frame_system::pallet_prelude::BlockNumberFor;
use medchain_primitives::RecordProvider;
use medchain_primitives::{RecordId, RequestId, RequestStatus, Review, ReviewStatus, Role};
use sp_runtime::traits::{Saturating, Zero};

use crate::{
    count_vote, threshold_for, Config, EmergencyUses, Error, Event, Grants, Pallet, PurposeTextOf,
    Requests, ReviewVotes, Reviews,
};
use medchain_primitives::purpose::{Purpose, PurposeOfUse};

impl<T: Config> Pallet<T> {
    /// `break_glass`: the roles, the reason and the cap, then the request as any other,
    /// approved as it opens, with its review.
    pub(crate) fn do_break_glass(
        demander: T::AccountId,
        record: RecordId,
        reason: PurposeTextOf<T>,
    ) -> DispatchResult {
        ensure!(
            Self::has_role(&demander, Role::DataDemander),
            Error::<T>::NotDataDemander
        );
        ensure!(
            Self::has_role(&demander, Role::EmergencyAccess),
            Error::<T>::NotEmergencyAccess
        );
        ensure!(!is_blank(&reason), Error::<T>::EmptyReason);
        ensure!(
            T::Records::owner(record).is_some(),
            Error::<T>::UnknownRecord
        );
        // The members review it, but not the demander if it is one of them.
        let reviewers =
            (T::Members::count() as u32).saturating_sub(u32::from(T::Members::contains(&demander)));
        ensure!(reviewers > 0, Error::<T>::NoMembers);
        let now = frame_system::Pallet::<T>::block_number();
        let period_start = Self::emergency_period_start(now);
        let used = EmergencyUses::<T>::get(&demander)
            .filter(|(start, _)| *start == period_start)
            .map_or(0, |(_, count)| count);
        ensure!(
            used < T::MaxEmergenciesPerPeriod::get(),
            Error::<T>::EmergencyCapReached
        );
        let uses_in_period = used.saturating_add(1);
        let expires_block = now.saturating_add(T::EmergencyGrantTtl::get());
        let opened = Self::open_request(
            &demander,
            record,
            Purpose {
                code: PurposeOfUse::Btg,
                text: reason.clone(),
            },
            true,
            expires_block,
        )?;

        EmergencyUses::<T>::insert(&demander, (period_start, uses_in_period));
        Reviews::<T>::insert(
            opened.id,
            Review {
                reviewers,
                threshold: threshold_for(reviewers),
                justified: 0,
                unjustified: 0,
                status: ReviewStatus::Pending,
                until_block: now.saturating_add(T::EmergencyReviewTtl::get()),
            },
        );
        Self::emit(
            record,
            Event::EmergencyAccessOpened {
                request: opened.id,
                record,
                demander,
                reason,
                expires_block,
                uses_in_period,
                at_ms: opened.at_ms,
            },
        );
        Ok(())
    }

    /// `review_emergency`: one verdict; the deciding one closes the review, and an
    /// unjustified access loses the role and the access.
    pub(crate) fn do_review_emergency(
        member: T::AccountId,
        request: RequestId,
        justified: bool,
    ) -> DispatchResult {
        ensure!(T::Members::contains(&member), Error::<T>::NotMember);
        let req = Requests::<T>::get(request).ok_or(Error::<T>::UnknownRequest)?;
        let mut review = Reviews::<T>::get(request).ok_or(Error::<T>::NotEmergency)?;
        ensure!(
            review.status == ReviewStatus::Pending,
            Error::<T>::ReviewClosed
        );
        ensure!(member != req.demander, Error::<T>::OwnRequest);
        ensure!(
            !ReviewVotes::<T>::contains_key(request, &member),
            Error::<T>::AlreadyVoted
        );

        let decided = count_vote(
            &mut review.justified,
            &mut review.unjustified,
            justified,
            review.reviewers,
            review.threshold,
        );
        if let Some(verdict) = decided {
            review.status = if verdict {
                ReviewStatus::Justified
            } else {
                ReviewStatus::Unjustified
            };
        }
        ReviewVotes::<T>::insert(request, &member, justified);
        Reviews::<T>::insert(request, &review);

        let (record, at_ms) = (req.record, T::Time::now());
        Self::emit(
            record,
            Event::EmergencyReviewed {
                request,
                record,
                member,
                justified,
                justified_count: review.justified,
                unjustified_count: review.unjustified,
                at_ms,
            },
        );
        match decided {
            Some(true) => Self::emit(
                record,
                Event::EmergencyAccessJustified {
                    request,
                    record,
                    demander: req.demander,
                    at_ms,
                },
            ),
            Some(false) => Self::end_unjustified(request, req, at_ms),
            None => {}
        }
        Ok(())
    }

    /// An unjustified emergency access: the grant ends (an undelivered request is
    /// rejected), the demander loses the emergency-access role, the flag is raised.
    fn end_unjustified(request: RequestId, mut req: crate::RequestOf<T>, at_ms: u64) {
        let record = req.record;
        match req.status {
            RequestStatus::Approved => {
                req.status = RequestStatus::Rejected;
                Self::close(request, &req.demander);
                Requests::<T>::insert(request, &req);
            }
            RequestStatus::Delivered
                if Grants::<T>::get(record, &req.demander)
                    .is_some_and(|g| g.request == request) =>
            {
                Grants::<T>::remove(record, &req.demander);
            }
            _ => {}
        }
        Self::emit(
            record,
            Event::EmergencyAccessUnjustified {
                request,
                record,
                demander: req.demander.clone(),
                at_ms,
            },
        );
        if Self::has_role(&req.demander, Role::EmergencyAccess) {
            Self::remove_role(req.demander, Role::EmergencyAccess);
        }
    }

    /// The first block of the cap period holding `block`.
    pub(crate) fn emergency_period_start(block: BlockNumberFor<T>) -> BlockNumberFor<T> {
        let period = T::EmergencyPeriod::get();
        if period.is_zero() {
            // `integrity_test` refuses a zero period; one period from genesis otherwise.
            return Zero::zero();
        }
        block.saturating_sub(block % period)
    }

    /// The emergency invariants: every review belongs to a request, matches its
    /// verdicts and was decided when it should have been; no empty count is kept. (A
    /// count may exceed a cap lowered since.)
    #[cfg(any(feature = "try-runtime", test))]
    pub(crate) fn emergency_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
        for (id, review) in Reviews::<T>::iter() {
            let req = Requests::<T>::get(id).ok_or("a review's request is missing")?;
            ensure!(
                review.threshold == threshold_for(review.reviewers)
                    && review.reviewers > 0
                    && review.reviewers <= req.members,
                "a review's threshold is not ⌈reviewers/2⌉ of the members"
            );
            ensure!(
                req.status != RequestStatus::Open,
                "an emergency request is open for a vote"
            );
            let (mut justified, mut unjustified) = (0u32, 0u32);
            for (member, verdict) in ReviewVotes::<T>::iter_prefix(id) {
                ensure!(
                    member != req.demander,
                    "a demander judged its own emergency"
                );
                if verdict {
                    justified += 1;
                } else {
                    unjustified += 1;
                }
            }
            ensure!(
                review.justified == justified && review.unjustified == unjustified,
                "a review's counts differ from its verdicts"
            );
            let decided =
                crate::decision(justified, unjustified, review.reviewers, review.threshold);
            let expected = match decided {
                None => ReviewStatus::Pending,
                Some(true) => ReviewStatus::Justified,
                Some(false) => ReviewStatus::Unjustified,
            };
            ensure!(
                review.status == expected,
                "a review's status does not follow its verdicts"
            );
        }
        for (id, _) in ReviewVotes::<T>::iter_keys() {
            ensure!(
                Reviews::<T>::contains_key(id),
                "a verdict is kept without its review"
            );
        }
        for (_, (_, count)) in EmergencyUses::<T>::iter() {
            ensure!(count > 0, "an empty emergency count is kept");
        }
        for (who, _) in crate::EmergencySince::<T>::iter() {
            ensure!(
                Self::has_role(&who, Role::EmergencyAccess),
                "an emergency role's start is kept without the role"
            );
        }
        Ok(())
    }
}

/// Whether a reason says nothing readable: not UTF-8 text, or only whitespace,
/// control and zero-width characters.
fn is_blank(reason: &[u8]) -> bool {
    core::str::from_utf8(reason).map_or(true, |text| {
        text.chars().all(|c| {
            c.is_whitespace() || c.is_control() || medchain_primitives::purpose::is_format_char(c)
        })
    })
}
