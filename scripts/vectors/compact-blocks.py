#!/usr/bin/env python3
"""Golden vectors of compact block relay (PROTOCOL.md 4.12-4.15, 12.1), from the document alone:
an implementation independent of the Java code (its own SipHash-2-4, checked against the reference
vector of the SipHash paper). Adds or replaces its named cases; run from the repository root:
    python3 scripts/vectors/compact-blocks.py
"""
import hashlib
import json
import struct

from vector_files import V, add_case, add_reject, dumps, save

M = 0xffffffffffffffff


def rotl(x, b):
    return ((x << b) | (x >> (64 - b))) & M


def siphash24(key, message):
    k0, k1 = struct.unpack('<QQ', key)
    v = [k0 ^ 0x736f6d6570736575, k1 ^ 0x646f72616e646f6d, k0 ^ 0x6c7967656e657261, k1 ^ 0x7465646279746573]

    def rnd():
        v[0] = (v[0] + v[1]) & M; v[1] = rotl(v[1], 13); v[1] ^= v[0]; v[0] = rotl(v[0], 32)
        v[2] = (v[2] + v[3]) & M; v[3] = rotl(v[3], 16); v[3] ^= v[2]
        v[0] = (v[0] + v[3]) & M; v[3] = rotl(v[3], 21); v[3] ^= v[0]
        v[2] = (v[2] + v[1]) & M; v[1] = rotl(v[1], 17); v[1] ^= v[2]; v[2] = rotl(v[2], 32)

    full = len(message) - len(message) % 8
    for i in range(0, full, 8):
        word = struct.unpack('<Q', message[i:i + 8])[0]
        v[3] ^= word; rnd(); rnd(); v[0] ^= word
    last = (len(message) & 0xff) << 56
    for i, byte in enumerate(message[full:]):
        last |= byte << (8 * i)
    v[3] ^= last; rnd(); rnd(); v[0] ^= last
    v[2] ^= 0xff
    for _ in range(4):
        rnd()
    return v[0] ^ v[1] ^ v[2] ^ v[3]


assert siphash24(bytes(range(16)), bytes(range(15))) == 0xa129ca6149be45e5  # the paper's vector


def short_id(block_hash, salt, txid):
    key = hashlib.sha256(bytes.fromhex(block_hash) + struct.pack('<Q', salt)).digest()[:16]
    return '%012x' % (siphash24(key, bytes.fromhex(txid)) & 0xffffffffffff)


block = json.loads(json.load(open(V + 'methods/BLOCK.json'))['cases'][1]['canonical'])['BLOCK']['block']
salt = 1234567890123
txs = block['transactions']
sids = [short_id(block['hash'], salt, t['id']) for t in txs[1:]]
header = {k: block[k] for k in ('number', 'hash', 'previousHash', 'merkleRoot', 'time', 'target', 'nonce')}
cb = dict(header, salt=salt, shortIds=sids, prefilled=[{"index": 0, "transaction": txs[0]}])
cb2 = dict(cb, shortIds=sids[:1], prefilled=[{"index": 0, "transaction": txs[0]}, {"index": 2, "transaction": txs[2]}])

for method in ('SENDCOMPACT', 'COMPACTBLOCK', 'GETBLOCKTXN', 'BLOCKTXN'):
    save(V + 'methods/%s.json' % method, {"method": method, "cases": []})
add_case('SENDCOMPACT', 'ask for pushed blocks', {"highBandwidth": True})
add_case('SENDCOMPACT', 'back to announcements', {"highBandwidth": False})
add_case('COMPACTBLOCK', 'block 1: coinbase prefilled, two short ids', cb)
add_case('COMPACTBLOCK', 'block 1: the last payment prefilled too', cb2)
add_case('GETBLOCKTXN', 'the two payments of block 1', {"hash": block['hash'], "indexes": [1, 2]})
add_case('BLOCKTXN', 'the two payments of block 1', {"hash": block['hash'], "transactions": txs[1:]})

hello = json.loads(json.load(open(V + 'methods/HELLO.json'))['cases'][0]['canonical'])['HELLO']
add_case('HELLO', 'node hello listing compact-blocks/1', dict(hello, extensions=["compact-blocks/1"]))
add_case('HELLO', 'an extension this node does not know is listed, and ignored',
         dict(hello, extensions=["compact-blocks/1", "some-later-extension/3"]))
add_case('GETBLOCK', 'block by hash, in compact form', {"hash": block['hash'], "compact": True})

add_reject('out_of_range', 'COMPACTBLOCK short id of 5 bytes', 'COMPACTBLOCK', dict(cb, shortIds=[sids[0][:10]] + sids[1:]))
add_reject('out_of_range', 'COMPACTBLOCK without the coinbase prefilled at 0', 'COMPACTBLOCK',
           dict(cb, prefilled=[{"index": 1, "transaction": txs[1]}]))
add_reject('out_of_range', "COMPACTBLOCK prefilled position past the block's end", 'COMPACTBLOCK',
           dict(cb, shortIds=sids[:1], prefilled=[{"index": 0, "transaction": txs[0]}, {"index": 3, "transaction": txs[2]}]))
add_reject('out_of_range', 'GETBLOCKTXN positions not rising', 'GETBLOCKTXN', {"hash": block['hash'], "indexes": [2, 1]})
add_reject('out_of_range', 'HELLO extension name with a control character', 'HELLO', dict(hello, extensions=["compact\u0007"]))
add_reject('list_too_long', 'GETBLOCKTXN with no position', 'GETBLOCKTXN', {"hash": block['hash'], "indexes": []})
add_reject('list_too_long', 'COMPACTBLOCK with nothing prefilled', 'COMPACTBLOCK', dict(cb, prefilled=[]))
add_reject('list_too_long', 'COMPACTBLOCK of 10,001 transactions', 'COMPACTBLOCK',
           dict(cb, shortIds=['%012x' % i for i in range(10000)]))
add_reject('list_too_long', 'HELLO listing 17 extensions', 'HELLO', dict(hello, extensions=["x%d" % i for i in range(17)]))
add_reject('conflicting_fields', 'GETBLOCK compact by number', 'GETBLOCK', {"number": 1, "compact": True})
add_reject('wrong_type', 'SENDCOMPACT highBandwidth as a number', 'SENDCOMPACT', {"highBandwidth": 1})
add_reject('missing_field', 'SENDCOMPACT without highBandwidth', 'SENDCOMPACT', {})

cases = [{"blockHash": block['hash'], "salt": s, "transactionId": t['id'], "shortId": short_id(block['hash'], s, t['id'])}
         for s in (0, salt, 9007199254740991) for t in txs]
save(V + 'ledger/short-ids.json', {
    "description": "Short transaction ids of COMPACTBLOCK (PROTOCOL.md 12.1): SipHash-2-4 keyed by the first 16 bytes "
                   "of SHA-256(block hash bytes || salt as 8 bytes little-endian), of the transaction id's 32 bytes, "
                   "low 48 bits as 12 hex digits",
    "cases": cases})
