#!/usr/bin/env python3
"""verify.py - check a Lectern audit pack offline, with Python 3 alone.

    python3 verify.py            (in the pack's folder)
    python3 verify.py PACK       (the pack's folder, or its ZIP file)

It checks:
  1. every document listed in evidence.json has the SHA-256 written there;
  2. the ledger chain, from "prev_hash" on, entry by entry:
       format 2 (seq >= digest_from):
         an entry given in full:  hash = SHA-256(prev || SHA-256(bytes))
         an entry given by digest: hash = SHA-256(prev || digest)
       format 1 (seq < digest_from): hash = SHA-256(prev || bytes)
     (32 raw bytes for prev and digest); an entry given in full must be
     the organisation's and carry its own seq;
  3. each xAPI statement in xapi-statements.json hashes to the SHA-256 its
     ledger entry (xapi.statement, in the chain) holds;
  4. the last hash is the checkpoint's, and the checkpoint's Ed25519
     signature over "lectern-checkpoint-v1" || org || seq || hash || at
     (each number 8 bytes, big-endian) verifies with the public key: with
     the cryptography module when it is there, else the openssl command.

It prints what it checked and ends with VERIFIED (exit 0) or FAILED (exit 1).
Compare the public key it prints with the one the organisation publishes.
"""
import base64
import hashlib
import json
import os
import struct
import subprocess
import sys
import tempfile
import zipfile

TAG = b"lectern-checkpoint-v1"
ED25519_SPKI = bytes.fromhex("302a300506032b6570032100")   # DER prefix of an Ed25519 public key


def reader(path):
    if os.path.isfile(path) and zipfile.is_zipfile(path):
        z = zipfile.ZipFile(path)
        return z.read
    return lambda name: open(os.path.join(path, name), "rb").read()


def sha256(b):
    return hashlib.sha256(b).digest()


def check_signature(public_key, message, signature):
    """True or False, and how it was checked; None when it could not be."""
    key, sig = base64.b64decode(public_key), base64.b64decode(signature)
    try:
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
        try:
            Ed25519PublicKey.from_public_bytes(key).verify(sig, message)
            return True, "the cryptography module"
        except InvalidSignature:
            return False, "the cryptography module"
    except ImportError:
        pass
    with tempfile.TemporaryDirectory() as d:
        files = {"key.der": ED25519_SPKI + key, "message.bin": message, "signature.bin": sig}
        for name, data in files.items():
            with open(os.path.join(d, name), "wb") as f:
                f.write(data)
        try:
            r = subprocess.run(["openssl", "pkeyutl", "-verify", "-pubin", "-keyform", "DER",
                                "-inkey", os.path.join(d, "key.der"), "-rawin",
                                "-in", os.path.join(d, "message.bin"),
                                "-sigfile", os.path.join(d, "signature.bin")],
                               capture_output=True)
        except FileNotFoundError:
            return None, "nothing (install python3-cryptography or openssl)"
        return r.returncode == 0, "the openssl command"


def check_chain(ledger):
    """The last hash of the chain, and the number of entries given in full."""
    org, digest_from = ledger["org"], ledger["digest_from"]
    prev = bytes.fromhex(ledger["prev_hash"])
    expect, full = ledger["first_seq"], 0
    for item in ledger["chain"]:
        seq = item["seq"]
        if seq != expect:
            raise ValueError("entry %d is missing from the chain" % expect)
        if "bytes" in item:
            raw = item["bytes"].encode("utf-8")
            entry = json.loads(item["bytes"])
            if entry.get("seq") != seq or entry.get("org") != org:
                raise ValueError("entry %d does not carry its own seq and organisation" % seq)
            link = sha256(raw) if seq >= digest_from else raw
            full += item.get("mine", False)
        elif seq >= digest_from:
            link = bytes.fromhex(item["digest"])
        else:
            raise ValueError("entry %d is of format 1 and must be given in full" % seq)
        prev = sha256(prev + link)
        expect += 1
    return prev, full


def main():
    read = reader(sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__)))
    pack = json.loads(read("evidence.json"))
    print("Audit pack of %s, %s, %s" % (pack["learner"]["name"], pack["title"], pack["organisation"]["name"]))
    ok = True
    for doc in pack["documents"]:
        if hashlib.sha256(read(doc["file"])).hexdigest() != doc["sha256"]:
            print("FAILED: %s is not the file the pack lists" % doc["file"])
            ok = False
    print("documents: %d checked" % len(pack["documents"]))
    ledger = pack["ledger"]
    if ledger is None:
        print("ledger: no entry about this learner in this course run")
    else:
        try:
            last, full = check_chain(ledger)
        except (ValueError, KeyError) as e:
            print("FAILED: the chain: %s" % e)
            return 1
        if "xapi-statements.json" in [d["file"] for d in pack["documents"]]:
            entries = {}
            for item in ledger["chain"]:
                if item.get("mine"):
                    e = json.loads(item["bytes"])
                    if e["kind"] == "xapi.statement":
                        entries[e["payload"]["statement_id"]] = e["payload"]["sha256"]
            statements = json.loads(read("xapi-statements.json"))
            for st in statements:
                if entries.get(st["statement_id"]) != hashlib.sha256(st["body"].encode("utf-8")).hexdigest():
                    print("FAILED: xAPI statement %s is not the one its ledger entry names" % st["statement_id"])
                    return 1
            print("xAPI statements: %d, each the one its ledger entry names" % len(statements))
        ck = ledger["checkpoint"]
        print("chain: entries %d to %d, %d of them the learner's, given in full"
              % (ledger["first_seq"], ck["seq"], full))
        if last.hex() != ck["hash"]:
            print("FAILED: the chain does not end at the checkpoint's hash: an entry was changed")
            return 1
        message = TAG + struct.pack(">qq", ledger["org"], ck["seq"]) + bytes.fromhex(ck["hash"]) + struct.pack(">q", ck["at"])
        good, how = check_signature(ck["public_key"], message, ck["signature"])
        if good is None:
            print("signature: NOT CHECKED, with %s" % how)
            ok = False
        elif not good:
            print("FAILED: the checkpoint's signature does not verify (checked with %s)" % how)
            return 1
        else:
            print("checkpoint %d: signature verified with %s; the organisation's public key: %s"
                  % (ck["seq"], how, ck["public_key"]))
    print("VERIFIED" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
