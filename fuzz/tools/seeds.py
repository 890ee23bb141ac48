#!/usr/bin/env python3
"""Writes the hand-made seeds of fuzz/corpus/pallet_calls/ (seed-*): the paper's flow and
its refusals, so that the fuzzer starts from deep states. The format is the one
`medchain_pallets_fuzz::decode` reads: a selector byte (mod 40), then one byte per
parameter. Run from the repository root: python3 fuzz/tools/seeds.py
"""
import os

# Indices into ACCOUNTS = [1, 2, 3, 4, 10, 11, 12, 13, 20, 21, 30, 31].
M1, M2, M3, M4, OWNER, POOR, MANAGER, OWNER_MANAGER, DEM, DEM2, STRANGER, UNFUNDED = range(12)
ROOT = 0x00          # as the origin byte of an admin call: the natural origin, root
def signed(a): return a                 # natural origin of a user call: Signed(ACCOUNTS[a])
def wrong(a): return 0xC0 | a           # the wrong kind: root for user calls, signed for admin ones
NONE = 0xE0

OWNER_R, MANAGER_R, DEMANDER_R = 0, 1, 2

def record_input(raw=1, content=2, lens=1, codec=1, labels=(1, 3), location=1, manager=MANAGER):
    return [raw, content, lens, codec, len(labels), *labels, location, manager]

def register(origin, **kw): return [0, origin, *record_input(**kw)]
def amend(origin, previous, **kw): return [3, origin, previous, *record_input(**kw)]
def retract(origin, rid): return [5, origin, rid]
def report(origin, rid, fault=1): return [7, origin, rid, fault]
def assign(origin, who, role): return [8, origin, who, role]
def revoke_role(origin, who, role): return [10, origin, who, role]
def set_key(origin, key=7): return [12, origin, key]
def request(origin, rid, purpose=4): return [14, origin, rid, purpose]
def vote(origin, req, aye=True): return [17, origin, req, 0 if aye else 1]
def deliver(origin, req, key_len=2): return [21, origin, req, key_len]
def revoke_grant(origin, rid, demander): return [24, origin, rid, demander]
def add_member(origin, who): return [25, origin, who]
def remove_member(origin, who): return [26, origin, who]
def swap_member(origin, remove, add): return [27, origin, remove, add]
def reset_members(origin, members): return [28, origin, len(members), *members]
def change_key(origin, new): return [29, origin, new]
def transfer(origin, dest, amount): return [31, origin, dest, amount]
def force_set_balance(origin, who, amount): return [32, origin, who, amount]
def blocks(code=0, ms=0): return [34, code, ms]   # code 0..0xf7: 1 + code % 4; 0xf8: RequestTtl; 0xfc: GrantTtl
def ttl(): return blocks(0xF8)
def grant_ttl(): return blocks(0xFC)
def query(who, rid, req=0, label=1, frm=0, limit=1): return [37, who, rid, req, label, frm, limit]

def flow(*steps):
    return bytes(b for step in steps for b in step)

SEEDS = {
    # Register, request, two of three members approve, deliver, read, revoke, amend, retract.
    "seed-share": flow(
        register(signed(OWNER)), set_key(signed(DEM)), request(signed(DEM), 0),
        vote(signed(M1), 0), vote(signed(M2), 0), deliver(signed(OWNER), 0),
        query(DEM, 0), blocks(), revoke_grant(signed(OWNER), 0, DEM), query(DEM, 0),
        amend(signed(OWNER), 0, raw=1, labels=(2,)), retract(signed(OWNER), 1), blocks()),
    # The manager delivers; the grant runs out; a second request for the same record.
    "seed-grant-expiry": flow(
        register(signed(OWNER_MANAGER), manager=OWNER_MANAGER), set_key(signed(DEM)),
        request(signed(DEM), 0), vote(signed(M1), 0), vote(signed(M3), 0),
        deliver(signed(OWNER_MANAGER), 0), grant_ttl(), blocks(),
        request(signed(DEM), 0), vote(signed(M2), 1), vote(signed(M1), 1),
        deliver(signed(OWNER_MANAGER), 1), query(DEM, 0)),
    # Two nays reject; requests left open expire; an approved one expires undelivered.
    "seed-reject-expire": flow(
        register(signed(OWNER)), register(signed(OWNER), raw=2, labels=(3,)),
        request(signed(DEM), 0), request(signed(DEM2), 0), request(signed(DEM), 1),
        vote(signed(M1), 0, aye=False), vote(signed(M2), 0, aye=False),
        vote(signed(M1), 2), vote(signed(M2), 2), ttl(), blocks(),
        request(signed(DEM), 0), ttl()),
    # Membership changes mid-vote: a member joins and votes, another leaves.
    "seed-membership": flow(
        register(signed(OWNER)), request(signed(DEM), 0), add_member(ROOT, M4),
        vote(signed(M4), 0), remove_member(ROOT, M1), vote(signed(M1), 0),
        swap_member(ROOT, M2, STRANGER), vote(signed(STRANGER), 0), change_key(signed(M3), M1),
        reset_members(ROOT, [M1, M1, M2]), request(signed(DEM2), 0), vote(signed(M1), 1),
        reset_members(ROOT, []), request(signed(DEM), 0), blocks()),
    # Roles come and go: a demander loses its role after delivery, an owner its records'
    # manager; refusals from wrong origins.
    "seed-roles": flow(
        assign(ROOT, STRANGER, OWNER_R), assign(ROOT, STRANGER, OWNER_R),
        register(signed(STRANGER)), assign(wrong(M1), M1, DEMANDER_R),
        set_key(wrong(DEM)), assign(ROOT, M4, DEMANDER_R), set_key(signed(M4)),
        request(signed(M4), 0), vote(signed(M1), 0), vote(signed(M2), 0),
        revoke_role(ROOT, MANAGER, MANAGER_R), deliver(signed(MANAGER), 0),
        deliver(signed(STRANGER), 0), revoke_role(ROOT, M4, DEMANDER_R), query(M4, 0),
        revoke_role(ROOT, STRANGER, OWNER_R), register(signed(STRANGER), raw=3),
        register(NONE), blocks()),
    # Deposits: the poor owner affords one record; balances moved under held deposits.
    "seed-deposits": flow(
        register(signed(POOR)), register(signed(POOR), raw=2), retract(signed(POOR), 0),
        register(signed(POOR), raw=2, labels=(4, 1, 2, 3), location=2),
        transfer(signed(OWNER), POOR, 2), register(signed(POOR), raw=3),
        force_set_balance(ROOT, OWNER, 0), register(signed(OWNER)),
        transfer(signed(POOR), OWNER, 7), amend(signed(POOR), 1, raw=4), blocks()),
    # Refusals: duplicates, empty labels and locations, unknown ids, not the owner.
    "seed-refusals": flow(
        register(signed(OWNER)), register(signed(OWNER)), register(signed(OWNER), raw=2, labels=(0,)),
        register(signed(OWNER), raw=2, labels=(1, 1)), register(signed(OWNER), raw=2, location=0),
        register(signed(OWNER), raw=2, manager=DEM), amend(signed(POOR), 0),
        retract(signed(OWNER), 9), retract(signed(OWNER), 0xF0), report(signed(MANAGER), 0),
        report(signed(STRANGER), 0), request(signed(DEM), 0xFF), vote(signed(M1), 0xFF),
        deliver(signed(OWNER), 0xFE), revoke_grant(signed(OWNER), 0, DEM), blocks()),
    # One member tries to approve alone: it votes, moves its seat with the membership's
    # `change_key` and votes again under the new account. The runtime (and so the mock)
    # filters `change_key` since the fuzzing found this; the second vote is `NotMember`.
    "seed-change-key-double-vote": flow(
        register(signed(OWNER)), set_key(signed(DEM)), request(signed(DEM), 0), vote(signed(M1), 0),
        change_key(signed(M1), STRANGER), vote(signed(STRANGER), 0), deliver(signed(OWNER), 0),
        query(DEM, 0)),
    # Many requests in one block: MaxOpenRequests and MaxExpiriesPerBlock.
    "seed-limits": flow(
        register(signed(OWNER)), register(signed(OWNER), raw=2), register(signed(OWNER), raw=3),
        register(signed(OWNER), raw=4), request(signed(DEM), 0), request(signed(DEM), 1),
        request(signed(DEM), 2), request(signed(DEM), 3), request(signed(DEM2), 3),
        blocks(), request(signed(DEM2), 0), ttl(), blocks()),
}

if __name__ == "__main__":
    out = os.path.join(os.path.dirname(__file__), "..", "corpus", "pallet_calls")
    os.makedirs(out, exist_ok=True)
    for name, data in SEEDS.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
        print(name, len(data))
