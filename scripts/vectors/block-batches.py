#!/usr/bin/env python3
"""Golden vectors of block batches (PROTOCOL.md 4.6, 12.2): GETBLOCK `hashes`, from the document alone.
Adds or replaces its named cases; run from the repository root:
    python3 scripts/vectors/block-batches.py
"""
import hashlib

from vector_files import add_case, add_reject

MAX_BATCH_BLOCKS = 128
FIRST = '6eb2fe699047f3b971881bfae9783bb7e60d74459632b1c983c41da6d2d6c0ef'
SECOND = '834e4318b4bc80dfba45937af6050b86c617083a425f68295f2f11acfefaea3f'


def hashes(count):
    return [hashlib.sha256(str(i).encode()).hexdigest() for i in range(count)]


add_case('GETBLOCK', 'blocks by hash, in a batch (block-batches/1)', {"hashes": [FIRST, SECOND]})
add_case('GETBLOCK', 'a batch of the most hashes', {"hashes": hashes(MAX_BATCH_BLOCKS)})

add_reject('list_too_long', 'GETBLOCK with 129 hashes', 'GETBLOCK', {"hashes": hashes(MAX_BATCH_BLOCKS + 1)})
add_reject('list_too_long', 'GETBLOCK with an empty hashes list', 'GETBLOCK', {"hashes": []})
add_reject('conflicting_fields', 'GETBLOCK with hash and hashes', 'GETBLOCK', {"hash": FIRST, "hashes": [SECOND]})
add_reject('conflicting_fields', 'GETBLOCK with transactions and hashes', 'GETBLOCK',
           {"transactions": [FIRST], "hashes": [SECOND]})
add_reject('conflicting_fields', 'GETBLOCK hashes in compact form', 'GETBLOCK', {"hashes": [FIRST], "compact": True})
add_reject('out_of_range', 'GETBLOCK hashes with an upper-case hash', 'GETBLOCK', {"hashes": [FIRST, SECOND.upper()]})
add_reject('wrong_type', 'GETBLOCK hashes as one string', 'GETBLOCK', {"hashes": FIRST})
