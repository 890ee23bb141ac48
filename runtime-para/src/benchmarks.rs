//! The pallets whose benchmarks `frame-omni-bencher` (or `polkadot-omni-node benchmark
//! pallet`) can run on this runtime built with `--features runtime-benchmarks`.
//! `CollatorSelection` keeps the weights its crate ships: its benchmarks register
//! bonded candidates, which this runtime allows to consortium members only.

frame_benchmarking::define_benchmarks!(
    [frame_benchmarking, BaselineBench::<Runtime>]
    [frame_system, SystemBench::<Runtime>]
    [frame_system_extensions, SystemExtensionsBench::<Runtime>]
    [pallet_balances, Balances]
    [pallet_timestamp, Timestamp]
    [pallet_sudo, Sudo]
    [pallet_message_queue, MessageQueue]
    [pallet_collective, Council]
    [pallet_membership, ConsortiumMembership]
    [pallet_preimage, Preimage]
    [pallet_medical_records, MedicalRecords]
    [pallet_access, Access]
);
