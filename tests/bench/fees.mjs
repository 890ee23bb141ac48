// What transactions cost on a --dev chain at rest (fee multiplier 1): the fee of each
// call MedChain users send, from `TransactionPaymentApi.query_fee_details` (the base,
// length and weight parts), and what filling the chain would cost, from those figures.
// Starts one node on loopback and stops it by pid. Not part of the tests.
//
//   cd tests && node bench/fees.mjs            # MEDCHAIN_NODE picks the binary
//
// Prices are in mMED (1 MED = 10^12 of the chain's smallest unit).

import { Keyring } from '@polkadot/keyring';
import { u8aToHex } from '@polkadot/util';
import { blake2AsHex, cryptoWaitReady } from '@polkadot/util-crypto';
import { startDevNode } from '../lib/nodes.mjs';

const MUNIT = 1e9;
await cryptoWaitReady();
const keyring = new Keyring({ type: 'sr25519' });
const [alice, bob, ferdie] = ['//Alice', '//Bob', '//Ferdie'].map((uri) => keyring.addFromUri(uri));
const node = await startDevNode();
try {
  const api = await node.api();
  const record = {
    rawHash: blake2AsHex('fees bench record', 256),
    contentHash: blake2AsHex('fees bench blob', 256),
    rawLen: 4096,
    compressedLen: 2048,
    codec: { method: 'Hanzi', dictionary: null },
    labels: ['cardiology'],
    location: 'http://127.0.0.1:8700/v1/blobs/0',
    manager: bob.address,
  };
  const calls = {
    registerRecord: [alice, api.tx.medicalRecords.registerRecord(record)],
    requestAccess: [ferdie, api.tx.access.requestAccess(0, { code: 'Hresch', text: 'retrospective cohort study' })],
    vote: [alice, api.tx.access.vote(0, true)],
    deliverKey: [alice, api.tx.access.deliverKey(0, u8aToHex(new Uint8Array(105).fill(0xab)))],
    'remark (1 KiB)': [alice, api.tx.system.remark(u8aToHex(new Uint8Array(1024)))],
  };
  const rows = {};
  for (const [name, [signer, tx]] of Object.entries(calls)) {
    const signed = await tx.signAsync(signer, { nonce: -1 });
    const length = signed.encodedLength;
    const details = await api.rpc.payment.queryFeeDetails(signed.toHex());
    const fee = details.inclusionFee.unwrap();
    const part = (x) => Number(x.toBigInt()) / MUNIT;
    rows[name] = {
      bytes: length,
      base_mmed: part(fee.baseFee),
      length_mmed: part(fee.lenFee),
      weight_mmed: part(fee.adjustedWeightFee),
      total_mmed: part(fee.baseFee) + part(fee.lenFee) + part(fee.adjustedWeightFee),
    };
  }
  const multiplier = (await api.query.transactionPayment.nextFeeMultiplier()).toString();
  const perByte = rows['remark (1 KiB)'].length_mmed / rows['remark (1 KiB)'].bytes;
  const blockLength = api.consts.system.blockLength.max.normal.toNumber();
  const summary = {
    spec_version: api.runtimeVersion.specVersion.toNumber(),
    fee_multiplier: multiplier,
    calls: rows,
    length_fee_mmed_per_byte: perByte,
    full_block_of_remarks_med: (blockLength * perByte) / 1000,
    one_gb_of_history_med: (1e9 * perByte) / 1000,
  };
  console.log(JSON.stringify(summary, null, 2));
} finally {
  await node.stop();
}
process.exit(0);
