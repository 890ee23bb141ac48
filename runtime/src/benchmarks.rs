//! The pallets whose benchmarks `medchain-node benchmark pallet` can run.

frame_benchmarking::define_benchmarks!(
    [frame_benchmarking, BaselineBench::<Runtime>]
    [frame_system, SystemBench::<Runtime>]
    [frame_system_extensions, SystemExtensionsBench::<Runtime>]
    [pallet_balances, Balances]
    [pallet_timestamp, Timestamp]
    [pallet_sudo, Sudo]
    [pallet_collective, Council]
    [pallet_membership, ConsortiumMembership]
    [pallet_preimage, Preimage]
    [pallet_medical_records, MedicalRecords]
    [pallet_access, Access]
    [pallet_validator_set, ValidatorSet]
);
