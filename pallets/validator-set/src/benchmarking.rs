//! Benchmarks of `pallet-validator-set`, each at its worst case: a set one short of
//! `MaxValidators` to add to, a full set to remove from.

use super::*;
use frame_benchmarking::v2::*;

/// Registers session keys for an account in the benchmark runtime.
pub trait BenchmarkHelper<AccountId> {
    /// Gives `who` session keys, as `Session::set_keys` would.
    fn register_keys(who: &AccountId);
}

/// `count` validators with keys, set as the current set.
fn fill<T: Config>(count: u32) -> Vec<T::AccountId> {
    let validators: Vec<T::AccountId> = (0..count)
        .map(|i| {
            let who: T::AccountId = account("validator", i, 0);
            T::BenchmarkHelper::register_keys(&who);
            who
        })
        .collect();
    let mut sorted = validators.clone();
    sorted.sort();
    Validators::<T>::put(BoundedVec::truncate_from(sorted));
    MinValidators::<T>::put(1);
    validators
}

#[benchmarks]
mod benchmarks {
    use super::*;

    #[benchmark]
    fn add_validator() -> Result<(), BenchmarkError> {
        fill::<T>(T::MaxValidators::get() - 1);
        let who: T::AccountId = account("new", 0, 0);
        T::BenchmarkHelper::register_keys(&who);
        let origin =
            T::AdminOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;

        #[extrinsic_call]
        _(origin as T::RuntimeOrigin, who.clone());

        assert!(Validators::<T>::get().contains(&who));
        Ok(())
    }

    #[benchmark]
    fn remove_validator() -> Result<(), BenchmarkError> {
        let validators = fill::<T>(T::MaxValidators::get());
        let who = validators[0].clone();
        let origin =
            T::AdminOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;

        #[extrinsic_call]
        _(origin as T::RuntimeOrigin, who.clone());

        assert!(!Validators::<T>::get().contains(&who));
        Ok(())
    }

    #[benchmark]
    fn set_session_length() -> Result<(), BenchmarkError> {
        let blocks = T::MinSessionLengthBlocks::get().saturating_add(1u32.into());
        let origin =
            T::AdminOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;

        #[extrinsic_call]
        _(origin as T::RuntimeOrigin, blocks);

        assert_eq!(SessionLengthBlocks::<T>::get(), blocks);
        Ok(())
    }

    #[benchmark]
    fn set_min_validators() -> Result<(), BenchmarkError> {
        fill::<T>(T::MaxValidators::get());
        let origin =
            T::AdminOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;

        #[extrinsic_call]
        _(origin as T::RuntimeOrigin, T::MaxValidators::get());

        assert_eq!(MinValidators::<T>::get(), T::MaxValidators::get());
        Ok(())
    }

    /// What `pallet-session` asks every block.
    #[benchmark]
    fn should_end_session() {
        SessionLengthBlocks::<T>::put(T::MinSessionLengthBlocks::get());
        let now = frame_system::Pallet::<T>::block_number();
        let ends;

        #[block]
        {
            ends = Pallet::<T>::session_ends_at(now);
        }

        assert!(!ends || now >= T::MinSessionLengthBlocks::get());
    }

    impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
