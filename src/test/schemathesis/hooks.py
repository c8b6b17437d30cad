"""Schemathesis hooks for OpenApiFuzzIT: what a real client has that a schema cannot give a fuzzer.

- Every call about one registration carries the token of its own registration: a fresh one made
  for the case (or, when the stateful phase followed the links of a 201, the one that 201 created),
  with what the call needs first: an uploaded photo for confirm, the mailed code for verify, a code
  older than a minute for resend and for a change of address.
- The way back (access codes) and support's recovery name an existing registration in every other
  positive case, with the access code mailed for it.
- Calls on a wave address one that exists: a drawn wave the test made (the one whose seed was made
  outside when the call brings a seed, with that seed), or a fresh upcoming wave for changes and closing; every positive void names a registration of the open wave made for it.
- Positive cases (schema-valid data) also follow the rules the contract states but JSON Schema
  cannot: a NIK's date and sex agree with birthDate and sex, the registrant is 18 on the day the
  wave opened, a wave's closesAt comes after opensAt and in the future. Fuzz-made waves open in the
  future, so the only wave open now stays the test's.
- Every call is written to GELOMBANG_CALLS (method, path template, status) for the test's report.

Negative cases are left as generated, apart from the token, so that their refusal is the server
judging the data rather than the token.
"""

import base64
import collections
import datetime
import hashlib
import itertools
import os
import random
import re
import threading
import time
import uuid

import requests

import schemathesis

API = os.environ["GELOMBANG_API"]
OPERATOR_KEY = os.environ["GELOMBANG_OPERATOR_KEY"]
OPEN_WAVE = os.environ["GELOMBANG_OPEN_WAVE"]
OPEN_WAVE_OPENED = datetime.date.fromisoformat(os.environ["GELOMBANG_OPEN_WAVE_OPENED"])
DRAWN_WAVE = os.environ["GELOMBANG_DRAWN_WAVE"]
# A drawn wave whose seed was made outside, and that seed: where a draw call with a seed belongs.
OUTSIDE_DRAWN_WAVE = os.environ["GELOMBANG_OUTSIDE_DRAWN_WAVE"]
OUTSIDE_SEED = os.environ["GELOMBANG_OUTSIDE_SEED"]
MAIL_DIR = os.environ["GELOMBANG_MAIL_DIR"]
CALLS = os.environ["GELOMBANG_CALLS"]
# Schema-valid requests the server refused, with what it said: where to look when positive_data_acceptance fails.
REFUSALS = os.path.join(os.path.dirname(CALLS), "positive-refusals.txt")

# The email code can be asked for again once a minute (EmailCodeRules.RESEND_INTERVAL).
RESEND_INTERVAL = 61
# Every helper registration's date of birth, which its NIK encodes.
BIRTH_DATE = "1990-01-05"
UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
CODE = re.compile(r"^[0-9]{6}$")
# A 2,048-byte file that starts as a JPEG does (FF D8 FF): what confirm checks.
PHOTO = b"\xff\xd8\xff\xe0" + bytes(random.Random(22).getrandbits(8) for _ in range(2044))
PHOTO_SHA256 = base64.b64encode(hashlib.sha256(PHOTO).digest()).decode()

session = requests.Session()
lock = threading.RLock()
# Numbers for the helper registrations' NIKs, family cards and addresses; a random start keeps
# them apart from the fuzzer's own registrations.
numbers = itertools.count(random.Random().randrange(0, 500_000))
# Tokens and addresses by registration id, of every registration made during the run (the links' targets).
tokens = {}
emails = {}
calls = open(CALLS, "a", encoding="utf-8")
refusals = open(REFUSALS, "w", encoding="utf-8")


class Registration:
    def __init__(self, id, token, email, nik=None):
        self.id = id
        self.token = token
        self.email = email
        self.nik = nik
        self.created = time.monotonic()

    def authorization(self):
        return {"Authorization": "Bearer " + self.token}


def register():
    """A registration of a man born on 5 January 1990 in the open wave, with a family card of his own."""
    for _ in range(10):
        n = next(numbers)
        district, serial = 1 + (n // 9999) % 99, 1 + n % 9999
        body = {
            "nik": f"3171{district:02d}050190{serial:04d}",
            "kkNumber": f"3171{district:02d}010190{serial:04d}",
            "fullName": "Fuzz Registrant",
            "birthDate": BIRTH_DATE,
            "sex": "M",
            "email": f"fuzz-{n}@example.com",
            "phone": "081234567890",
            "waveCode": OPEN_WAVE,
        }
        response = session.post(API + "/v1/registrations", json=body, headers={"Idempotency-Key": str(uuid.uuid4())})
        if response.status_code == 201:
            created = response.json()
            with lock:
                tokens[created["id"]] = created["registrationToken"]
                emails[created["id"]] = body["email"]
            return Registration(created["id"], created["registrationToken"], body["email"], body["nik"])
        if response.status_code != 409:
            raise RuntimeError(f"A helper registration was answered {response.status_code}: {response.text}")
    raise RuntimeError("Ten helper registrations in a row were duplicates")


def upload_photo(registration):
    issued = session.post(f"{API}/v1/registrations/{registration.id}/ktp/upload-url",
                          json={"contentType": "image/jpeg", "contentLength": len(PHOTO), "checksumSha256": PHOTO_SHA256},
                          headers=registration.authorization())
    issued.raise_for_status()
    body = issued.json()
    session.put(body["uploadUrl"], data=PHOTO, headers=body["headers"]).raise_for_status()


class Mailbox:
    """The codes in the local mail transport's directory, by address (one file a message)."""

    SUBJECT_CODE = re.compile(r"\b([0-9]{6})\b")
    # The subject of an access code's mail (EmailTexts.accessCode); an email code's differs.
    ACCESS_SUBJECT = "Kode masuk"

    def __init__(self):
        self.read = set()
        self.codes = {}
        self.access_codes = {}

    def code_for(self, address, timeout=20, access=False):
        """The latest email code (or access code) mailed to the address (stored with its domain in lower case), or None."""
        local, _, domain = address.rpartition("@")
        address = local + "@" + domain.lower()
        codes = self.access_codes if access else self.codes
        deadline = time.monotonic() + timeout
        while True:
            self._scan()
            if address in codes:
                return codes[address]
            if time.monotonic() > deadline:
                return None
            time.sleep(0.1)

    def _scan(self):
        for name in sorted(os.listdir(MAIL_DIR)) if os.path.isdir(MAIL_DIR) else []:
            if name in self.read:
                continue
            with open(os.path.join(MAIL_DIR, name), encoding="utf-8") as mail:
                to = mail.readline().removeprefix("To: ").strip()
                subject = mail.readline()
            code = self.SUBJECT_CODE.search(subject)
            if code:
                (self.access_codes if self.ACCESS_SUBJECT in subject else self.codes)[to] = code.group(1)
            self.read.add(name)


mailbox = Mailbox()


class Pool:
    """Registrations made ahead, handed out oldest first once they are old enough for what a case needs."""

    def __init__(self, size, age, refill):
        self.age = age
        self.refill = refill
        self.waiting = collections.deque(register() for _ in range(size))

    def take(self):
        with lock:
            registration = self.waiting.popleft() if self.waiting else register()
            if self.refill:
                self.waiting.append(register())
        wait = registration.created + self.age - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        return registration


# Codes are mailed behind the registration: registrations made ahead have theirs by the time a
# case needs one. A new code can be asked for a minute after the last: the first few resend cases
# wait for the registrations made when the run started; the others get 429, as documented.
mailed = Pool(size=8, age=0, refill=True)
aged = Pool(size=8, age=RESEND_INTERVAL, refill=False)
# Half the resend and address-change cases take such a registration (each one once); the others are
# answered 429, as documented.
aged_cases = {"/email/resend": itertools.count(), "/email": itertools.count()}


def aged_for(path, method):
    """A registration past its first minute, for every other resend or address change, while there are some."""
    for suffix, cases in aged_cases.items():
        if path.endswith(suffix) and (suffix != "/email" or method == "PUT"):
            return aged.take() if aged.waiting and next(cases) % 2 == 0 else None
    return None


@schemathesis.auth(refresh_interval=None, retry_on=[]).apply_to(path_regex=r"^/v1/registrations/\{id\}")
class OwnRegistration:
    """The Bearer token of the registration the case is about, and what its call needs first."""

    def get(self, case, context):
        current = case.path_parameters.get("id")
        with lock:
            if current in tokens:
                return Registration(current, tokens[current], emails.get(current))
        path = case.operation.path
        registration = aged_for(path, case.method.upper())
        if registration is not None:
            return registration
        if path.endswith("/email/verify"):
            return mailed.take()
        return register()

    def set(self, case, registration, context):
        case.headers = dict(case.headers or {})
        case.headers["Authorization"] = "Bearer " + registration.token
        current = case.path_parameters.get("id")
        # A generated id that is not a UUID is the case's point (404); a UUID stands in for ours.
        if current != registration.id and not (isinstance(current, str) and UUID.match(current)):
            return
        case.path_parameters["id"] = registration.id
        path = case.operation.path
        if path.endswith("/ktp/confirm"):
            upload_photo(registration)
        if (path.endswith("/email/verify") and registration.email is not None and isinstance(case.body, dict)
                and CODE.match(str(case.body.get("code")))):
            code = mailbox.code_for(registration.email)
            if code is not None:
                case.body["code"] = code


def is_positive(case):
    return case.meta is not None and case.meta.generation.mode.is_positive


def operator(method, path, **kwargs):
    response = session.request(method, API + path, headers={"X-Operator-Key": OPERATOR_KEY}, **kwargs)
    response.raise_for_status()
    return response.json()


def instant(value):
    return value.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def upcoming_wave():
    """A first-come wave opening tomorrow, for a case that changes or closes one."""
    now = datetime.datetime.now(datetime.timezone.utc)
    code = "FUZZ-" + uuid.uuid4().hex[:12]
    operator("POST", "/v1/admin/waves", json={"code": code, "opensAt": instant(now + datetime.timedelta(days=1)),
                                             "closesAt": instant(now + datetime.timedelta(days=2)), "quota": 10})
    return code, now + datetime.timedelta(days=1), now + datetime.timedelta(days=2)


def parse_instant(value):
    try:
        parsed = datetime.datetime.fromisoformat(value.replace("z", "Z").replace("t", "T"))
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.timezone.utc)
    except (ValueError, AttributeError):
        return None


def keep_schedule_possible(body, opens_at=None, closes_at=None):
    """Opens in the future (so no fuzz-made wave is ever the one open now), closes after it opens."""
    now = datetime.datetime.now(datetime.timezone.utc)
    if "opensAt" in body:
        opens_at = parse_instant(body["opensAt"])
        if opens_at is None or opens_at <= now + datetime.timedelta(hours=1):
            opens_at = now + datetime.timedelta(days=1)
            body["opensAt"] = instant(opens_at)
    if "closesAt" in body:
        closes_at = parse_instant(body["closesAt"])
    if opens_at is not None and (closes_at is None or closes_at <= opens_at + datetime.timedelta(seconds=1)):
        body["closesAt"] = instant(opens_at + datetime.timedelta(days=1))


def agree_with_nik(body):
    """The NIK's DDMMYY is the birth date (women's day + 40); 18 or older when the open wave opened."""
    try:
        born = datetime.date.fromisoformat(body["birthDate"])
    except (KeyError, TypeError, ValueError):
        return
    adult = OPEN_WAVE_OPENED.replace(year=OPEN_WAVE_OPENED.year - 18)
    if born > adult:
        # A year of the same leap-ness, so 29 February stays a date.
        born = born.replace(year=1980 + born.year % 4)
        body["birthDate"] = born.isoformat()
    nik, sex = body.get("nik"), body.get("sex")
    if isinstance(nik, str) and len(nik) == 16 and sex in ("M", "F"):
        day = born.day + (40 if sex == "F" else 0)
        body["nik"] = f"{nik[:6]}{day:02d}{born.month:02d}{born.year % 100:02d}{nik[12:]}"
    if "waveCode" in body:
        body["waveCode"] = OPEN_WAVE
    name = body.get("fullName")
    if isinstance(name, str):
        body["fullName"] = UNSETTLED_MARKS.sub(SETTLED_MARK, name)


# Schemathesis reads the name pattern's \p{M} as whole Unicode blocks, and these two hold code points
# that are not marks (unassigned, or assigned only in a Unicode version newer than the JVM's); the
# server's \p{M} rightly refuses those, so a positive case gets a mark every version has instead.
UNSETTLED_MARKS = re.compile(r"[\u1DC0-\u1DFF\u20D0-\u20FF]")
SETTLED_MARK = "\u0301"


def agree_nik_with_birth_date(body):
    """The way back: the NIK's DDMMYY is the birth date (a woman's NIK keeps its day + 40), which is past."""
    try:
        born = datetime.date.fromisoformat(body["birthDate"])
    except (KeyError, TypeError, ValueError):
        return
    if born > datetime.date.today():
        born = born.replace(year=1980 + born.year % 4)
        body["birthDate"] = born.isoformat()
    nik = body.get("nik")
    if isinstance(nik, str) and len(nik) == 16:
        day = born.day + (40 if int(nik[6:8]) > 40 else 0)
        body["nik"] = f"{nik[:6]}{day:02d}{born.month:02d}{born.year % 100:02d}{nik[12:]}"


# Every other positive case of the way back and of support's recovery names a registration that
# exists (and, for the way back, the access code mailed for it); the others name whoever the
# generated NIK is, and are answered 422 or 404 as documented.
existing_cases = {"/v1/registrations/access": itertools.count(), "/v1/admin/access-recoveries": itertools.count()}


def name_existing_registration(path, body):
    registration = register()
    body["nik"], body["birthDate"] = registration.nik, BIRTH_DATE
    if path == "/v1/registrations/access":
        session.post(API + "/v1/registrations/access-codes",
                     json={"nik": registration.nik, "birthDate": BIRTH_DATE}).raise_for_status()
        code = mailbox.code_for(registration.email, access=True)
        if code is not None:
            body["code"] = code


@schemathesis.hook
def before_call(context, case, kwargs):
    path, method = case.operation.path, case.method.upper()
    if not is_positive(case):
        return
    if method == "POST" and path == "/v1/registrations" and isinstance(case.body, dict):
        agree_with_nik(case.body)
    elif method == "POST" and path in existing_cases and isinstance(case.body, dict) and next(existing_cases[path]) % 2 == 0:
        name_existing_registration(path, case.body)
    elif method == "POST" and (path.startswith("/v1/registrations/access") or path == "/v1/admin/access-recoveries") \
            and isinstance(case.body, dict):
        agree_nik_with_birth_date(case.body)
    elif method == "POST" and path == "/v1/admin/waves" and isinstance(case.body, dict):
        keep_schedule_possible(case.body)
    elif method == "PATCH" and path == "/v1/admin/waves/{code}":
        code, opens_at, closes_at = upcoming_wave()
        case.path_parameters["code"] = code
        if isinstance(case.body, dict):
            keep_schedule_possible(case.body, opens_at, closes_at)
    elif method == "POST" and path == "/v1/admin/waves/{code}/voids":
        # Whatever wave the stateful phase links it to: a 404 for a NIK nobody holds would read as
        # "created resource not found".
        case.path_parameters["code"] = OPEN_WAVE
        if isinstance(case.body, dict):
            case.body["nik"] = register().nik
    elif method == "POST" and path == "/v1/admin/waves/{code}/close":
        case.path_parameters["code"] = upcoming_wave()[0]
    elif method == "POST" and path == "/v1/admin/waves/{code}/draw" and isinstance(case.body, dict) and "seed" in case.body:
        # A seed is for a wave whose seed was made outside (the other drawn wave's seed was generated here).
        case.path_parameters["code"] = OUTSIDE_DRAWN_WAVE
        case.body["seed"] = OUTSIDE_SEED
    elif "{code}" in path:
        case.path_parameters["code"] = DRAWN_WAVE


@schemathesis.hook
def after_call(context, case, response):
    with lock:
        calls.write(f"{response.request.method}\t{case.operation.path}\t{response.status_code}\n")
        calls.flush()
        if is_positive(case) and response.status_code in (400, 410, 415, 422):
            refusals.write(f"{response.request.method} {response.request.url} {response.status_code}\n"
                           f"  sent: {str(case.body)[:400]}\n  said: {response.text[:400]}\n")
            refusals.flush()
        if case.operation.path == "/v1/registrations" and response.status_code == 201:
            created = response.json()
            tokens[created["id"]] = created["registrationToken"]
            if isinstance(case.body, dict):
                emails[created["id"]] = case.body.get("email")
