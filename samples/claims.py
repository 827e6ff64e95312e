"""Random, realistic CMS-1500 claim data and its print layout.

make_claim(rng) returns a Claim with
  values: {field id: normalized truth value ("" when empty)} for every field
  runs:   [(field id, line, column, text)] what the printer puts on the grid;
          a run whose text starts with a blank is right-aligned in its cells
          (money dollars), any other run is left-aligned at its column.
  errors: ["npi_check_digit:<field>"] or ["total_mismatch:total_charge"] or []
"""

import datetime as _dt
import re

from cms1500_fields import FIELD_BY_ID, FIELD_IDS

# ----------------------------------------------------------------- pools

LAST_NAMES = """SMITH JOHNSON WILLIAMS BROWN JONES GARCIA MILLER DAVIS RODRIGUEZ MARTINEZ
HERNANDEZ LOPEZ GONZALEZ WILSON ANDERSON THOMAS TAYLOR MOORE JACKSON MARTIN LEE PEREZ
THOMPSON WHITE HARRIS SANCHEZ CLARK RAMIREZ LEWIS ROBINSON WALKER YOUNG ALLEN KING
WRIGHT SCOTT TORRES NGUYEN HILL FLORES GREEN ADAMS NELSON BAKER HALL RIVERA CAMPBELL
MITCHELL CARTER ROBERTS GOMEZ PHILLIPS EVANS TURNER DIAZ PARKER CRUZ EDWARDS COLLINS
REYES STEWART MORRIS MORALES MURPHY COOK ROGERS GUTIERREZ ORTIZ MORGAN COOPER PETERSON
BAILEY REED KELLY HOWARD RAMOS KIM COX WARD RICHARDSON WATSON BROOKS CHAVEZ WOOD JAMES
BENNETT GRAY MENDOZA RUIZ HUGHES PRICE ALVAREZ CASTILLO SANDERS PATEL MYERS LONG ROSS
FOSTER JIMENEZ OBRIEN MCDONALD KOWALSKI SCHMIDT NOVAK OKAFOR CHEN WANG SINGH DUBOIS
DELACRUZ FITZGERALD WASHINGTON BERGSTROM LINDQVIST ABERNATHY""".split()
LAST_NAMES += ["O'BRIEN", "SMITH-JONES", "DE LA CRUZ", "MCALLISTER", "ST JOHN", "VAN DYKE"]

FIRST_M = """JAMES JOHN ROBERT MICHAEL WILLIAM DAVID RICHARD JOSEPH THOMAS CHARLES CHRISTOPHER
DANIEL MATTHEW ANTHONY MARK DONALD STEVEN PAUL ANDREW JOSHUA KENNETH KEVIN BRIAN GEORGE
TIMOTHY RONALD EDWARD JASON JEFFREY RYAN JACOB GARY NICHOLAS ERIC JONATHAN STEPHEN LARRY
JUSTIN SCOTT BRANDON BENJAMIN SAMUEL FRANK GREGORY RAYMOND ALEXANDER PATRICK JACK DENNIS
JERRY TYLER AARON JOSE ADAM HENRY NATHAN DOUGLAS ZACHARY PETER KYLE NOAH ETHAN LIAM
LUIS CARLOS MIGUEL WEI RAJ""".split()
FIRST_F = """MARY PATRICIA JENNIFER LINDA ELIZABETH BARBARA SUSAN JESSICA SARAH KAREN LISA
NANCY BETTY MARGARET SANDRA ASHLEY KIMBERLY EMILY DONNA MICHELLE CAROL AMANDA DOROTHY
MELISSA DEBORAH STEPHANIE REBECCA SHARON LAURA CYNTHIA KATHLEEN AMY ANGELA SHIRLEY ANNA
BRENDA PAMELA EMMA NICOLE HELEN SAMANTHA KATHERINE CHRISTINE DEBRA RACHEL CAROLYN JANET
CATHERINE MARIA HEATHER DIANE RUTH JULIE OLIVIA JOYCE VIRGINIA VICTORIA KELLY LAUREN
CHRISTINA JOAN EVELYN JUDITH MEGAN ANDREA CHERYL HANNAH JACQUELINE MARTHA GLORIA SOFIA
ISABELLA MIA PRIYA MEI""".split()

STREET_NAMES = """MAIN OAK PINE MAPLE CEDAR ELM WASHINGTON LAKE HILL PARK WALNUT SPRING NORTH
RIDGE CHURCH WILLOW MEADOW FOREST RIVER SUNSET HIGHLAND JACKSON LINCOLN FRANKLIN MADISON
JEFFERSON CHESTNUT BIRCH CHERRY MILL VALLEY COLLEGE CENTER GRANT HICKORY DOGWOOD MAGNOLIA
PEACHTREE BROADWAY LOCUST SYCAMORE ASPEN""".split()
STREET_TYPES = ["ST", "AVE", "RD", "DR", "LN", "BLVD", "CT", "WAY", "PL", "CIR", "PKWY", "TER"]
DIRS = ["N", "S", "E", "W", "NE", "SW"]

# (city, state, zip prefix 3 digits)
CITIES = [
    ("SPRINGFIELD", "IL", "627"), ("COLUMBUS", "OH", "432"), ("AUSTIN", "TX", "787"),
    ("DALLAS", "TX", "752"), ("HOUSTON", "TX", "770"), ("PHOENIX", "AZ", "850"),
    ("TUCSON", "AZ", "857"), ("DENVER", "CO", "802"), ("BOULDER", "CO", "803"),
    ("SEATTLE", "WA", "981"), ("TACOMA", "WA", "984"), ("PORTLAND", "OR", "972"),
    ("SALEM", "OR", "973"), ("BOISE", "ID", "837"), ("RENO", "NV", "895"),
    ("LAS VEGAS", "NV", "891"), ("FRESNO", "CA", "937"), ("OAKLAND", "CA", "946"),
    ("SAN DIEGO", "CA", "921"), ("SACRAMENTO", "CA", "958"), ("SAN JOSE", "CA", "951"),
    ("OMAHA", "NE", "681"), ("LINCOLN", "NE", "685"), ("WICHITA", "KS", "672"),
    ("TULSA", "OK", "741"), ("LITTLE ROCK", "AR", "722"), ("MEMPHIS", "TN", "381"),
    ("NASHVILLE", "TN", "372"), ("KNOXVILLE", "TN", "379"), ("ATLANTA", "GA", "303"),
    ("SAVANNAH", "GA", "314"), ("TAMPA", "FL", "336"), ("ORLANDO", "FL", "328"),
    ("MIAMI", "FL", "331"), ("JACKSONVILLE", "FL", "322"), ("CHARLOTTE", "NC", "282"),
    ("RALEIGH", "NC", "276"), ("RICHMOND", "VA", "232"), ("NORFOLK", "VA", "235"),
    ("BALTIMORE", "MD", "212"), ("DOVER", "DE", "199"), ("NEWARK", "NJ", "071"),
    ("TRENTON", "NJ", "086"), ("ALBANY", "NY", "122"), ("BUFFALO", "NY", "142"),
    ("ROCHESTER", "NY", "146"), ("BROOKLYN", "NY", "112"), ("HARTFORD", "CT", "061"),
    ("PROVIDENCE", "RI", "029"), ("BOSTON", "MA", "021"), ("WORCESTER", "MA", "016"),
    ("MANCHESTER", "NH", "031"), ("BURLINGTON", "VT", "054"), ("PORTLAND", "ME", "041"),
    ("PITTSBURGH", "PA", "152"), ("ERIE", "PA", "165"), ("CLEVELAND", "OH", "441"),
    ("TOLEDO", "OH", "436"), ("DETROIT", "MI", "482"), ("LANSING", "MI", "489"),
    ("MADISON", "WI", "537"), ("MILWAUKEE", "WI", "532"), ("DES MOINES", "IA", "503"),
    ("FARGO", "ND", "581"), ("SIOUX FALLS", "SD", "571"), ("BILLINGS", "MT", "591"),
    ("CHEYENNE", "WY", "820"), ("ALBUQUERQUE", "NM", "871"), ("SANTA FE", "NM", "875"),
    ("PROVO", "UT", "846"), ("ANCHORAGE", "AK", "995"), ("HONOLULU", "HI", "968"),
    ("BIRMINGHAM", "AL", "352"), ("JACKSON", "MS", "392"), ("BATON ROUGE", "LA", "708"),
    ("LOUISVILLE", "KY", "402"), ("INDIANAPOLIS", "IN", "462"), ("ST LOUIS", "MO", "631"),
    ("KANSAS CITY", "MO", "641"), ("CHARLESTON", "WV", "253"), ("COLUMBIA", "SC", "292"),
    ("WASHINGTON", "DC", "200"), ("SAN JUAN", "PR", "009"), ("MINNEAPOLIS", "MN", "554"),
]
USPS_STATES = sorted({c[1] for c in CITIES} | set(
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE "
    "NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR".split()))

PAYERS = [
    "MEDICARE PART B", "MEDICAID", "BLUE CROSS BLUE SHIELD", "AETNA", "CIGNA HEALTHCARE",
    "UNITEDHEALTHCARE", "HUMANA", "ANTHEM BLUE CROSS", "KAISER PERMANENTE", "TRICARE EAST",
    "HEALTH NET", "MOLINA HEALTHCARE", "WELLCARE", "AMERIGROUP", "OSCAR HEALTH",
    "HIGHMARK BCBS", "EMBLEMHEALTH", "UMR", "GEHA", "MERITAIN HEALTH", "CENTENE",
]
PLAN_NAMES = ["PPO", "HMO", "POS", "EPO", "CHOICE PLUS", "OPEN ACCESS", "GOLD PPO",
              "SILVER HMO", "MEDICARE ADVANTAGE", "FEDERAL EMPLOYEE PROGRAM", "BASIC",
              "PREFERRED", "SELECT"]
INS_TYPES = ["medicare", "medicaid", "tricare", "champva", "group", "feca", "other"]
INS_TYPE_WEIGHTS = [25, 15, 4, 2, 45, 2, 7]

ICD_CODES = """E11.9 E11.65 E11.22 E78.5 E78.00 I10 I25.10 I48.91 I50.9 J06.9 J02.9 J20.9
J45.909 J30.9 J18.9 J44.9 M54.50 M54.5 M54.2 M25.561 M25.511 M17.11 M79.7 M62.830
S93.401A S52.501A S61.412A S83.241A S13.4XXA T78.40XA W19.XXXA V43.52XA Y92.009
Z00.00 Z00.01 Z00.129 Z23 Z79.4 Z79.899 Z12.31 Z12.11 Z01.419 Z13.220 Z68.30 Z71.3
K21.9 K58.9 K59.00 N39.0 N18.30 R10.9 R51.9 R05.9 R07.9 R42 R73.03 R53.83 F41.1 F32.9
F32.A F90.0 F17.210 G43.909 G47.33 G89.29 L03.115 L70.0 L30.9 H10.9 H52.4 H66.90
E66.9 E03.9 E55.9 D64.9 D50.9 B34.9 U07.1 Z11.52 Z34.80 O09.90 R31.9 N40.0 C50.911
C61 C34.90 I63.9 Q21.1 A09 B35.1""".split()

# (code, low charge, high charge)
CPT = [
    ("99202", 75, 120), ("99203", 110, 180), ("99204", 170, 270), ("99205", 220, 350),
    ("99211", 25, 60), ("99212", 60, 100), ("99213", 90, 160), ("99214", 130, 230),
    ("99215", 180, 300), ("99385", 180, 280), ("99386", 200, 300), ("99395", 170, 260),
    ("99396", 180, 280), ("99397", 190, 300), ("99283", 200, 600), ("99284", 350, 900),
    ("90471", 20, 40), ("90686", 25, 50), ("90715", 40, 70), ("36415", 8, 25),
    ("80053", 20, 60), ("80061", 25, 70), ("85025", 15, 45), ("81002", 8, 20),
    ("83036", 20, 50), ("84443", 30, 70), ("87880", 20, 45), ("87804", 20, 45),
    ("93000", 40, 90), ("71046", 60, 180), ("73610", 60, 150), ("72100", 70, 180),
    ("97110", 40, 90), ("97140", 40, 85), ("97530", 45, 95), ("97161", 90, 180),
    ("20610", 100, 250), ("11721", 50, 110), ("17110", 90, 200), ("96372", 25, 60),
    ("12001", 150, 350), ("29125", 90, 200), ("45378", 800, 2200), ("99406", 20, 40),
    ("90834", 110, 180), ("90837", 150, 240), ("90791", 180, 320), ("59400", 2500, 6000),
    ("3074F", 0, 0), ("3078F", 0, 0), ("1036F", 0, 0), ("0591T", 30, 80),
]
HCPCS = [
    ("J1100", 5, 25), ("J3301", 10, 40), ("J1885", 8, 30), ("J1030", 15, 40),
    ("J7613", 5, 20), ("G0439", 150, 250), ("G0438", 180, 300), ("G0444", 20, 40),
    ("G0008", 25, 50), ("G0009", 25, 50), ("Q0091", 40, 90), ("A4253", 30, 80),
    ("E0114", 50, 120), ("L3908", 40, 90), ("A6216", 2, 8), ("G2211", 15, 30),
]
MODIFIERS = ["25", "59", "LT", "RT", "26", "TC", "95", "GT", "76", "91", "XU", "GA",
             "GY", "KX", "QW", "50", "51", "AQ", "GP", "GO", "F1", "TA", "E4", "Q6", "33"]
MOD_WEIGHTS = [10, 8, 6, 6, 4, 4, 4, 2, 2, 2, 2, 2, 2, 2, 3, 2, 2, 1, 3, 1, 1, 1, 1, 1, 1]
POS = ["11", "11", "11", "11", "22", "21", "23", "12", "02", "10", "31", "32", "81",
       "19", "24", "49", "20"]

CLAIM_INFO = ["PATIENT SEEN IN OFFICE", "CLIA 05D1234567", "DELAYED FILING DUE TO COB",
              "LMP 01/15", "ACCIDENT AT WORK", "X-RAY ON FILE", "INITIAL TREATMENT",
              "HOSPICE NOT RELATED", "RECORDS ATTACHED", "STATE LICENSE 12345"]
PRACTICE_SUFFIX = ["FAMILY MEDICINE", "MEDICAL GROUP", "PEDIATRICS", "ORTHOPEDICS",
                   "INTERNAL MEDICINE", "HEALTH CENTER", "CLINIC", "PHYSICAL THERAPY",
                   "CARDIOLOGY", "DERMATOLOGY", "URGENT CARE", "PRIMARY CARE"]
FACILITY_PREFIX = ["ST MARY", "MERCY", "GENERAL", "COMMUNITY", "REGIONAL", "VALLEY",
                   "MEMORIAL", "UNIVERSITY", "BAPTIST", "PROVIDENCE", "GOOD SAMARITAN"]
FACILITY_SUFFIX = ["HOSPITAL", "MEDICAL CENTER", "SURGERY CENTER", "IMAGING", "LAB",
                   "OUTPATIENT CTR", "CLINIC"]


# ---------------------------------------------------------------- helpers

def norm_text(s):
    """The spec's text normalization: upper case, blank runs folded, trimmed."""
    return re.sub(r"\s+", " ", s.upper()).strip()


def npi_check_digit(first9):
    """Luhn check digit over the prefix 80840 followed by the 9 digits."""
    digits = [int(d) for d in "80840" + first9]
    total = 0
    # Luhn: double every second digit from the right of the payload (the
    # check digit will be appended at the far right).
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def npi_valid(npi):
    return (len(npi) == 10 and npi.isdigit()
            and npi_check_digit(npi[:9]) == npi[9])


def make_npi(rng):
    first9 = rng.choice("12") + "".join(rng.choice("0123456789") for _ in range(8))
    return first9 + npi_check_digit(first9)


def break_npi(rng, npi):
    bad = rng.choice([d for d in "0123456789" if d != npi[9]])
    return npi[:9] + bad


def digits(rng, n):
    return "".join(rng.choice("0123456789") for _ in range(n))


def alnum(rng, n, letters="ABCDEFGHJKLMNPQRSTUVWXYZ"):
    return "".join(rng.choice(letters + "0123456789") for _ in range(n))


def rand_date(rng, start, end):
    a, b = start.toordinal(), end.toordinal()
    return _dt.date.fromordinal(rng.randint(a, b))


def chance(rng, p):
    return rng.random() < p


# ---------------------------------------------------------------- claim

class Claim:
    def __init__(self):
        self.values = {fid: "" for fid in FIELD_IDS}
        self.runs = []
        self.errors = []

    # --- printing primitives; each sets the truth from what is printed ---
    def text(self, fid, s):
        _, _, kind, pos = FIELD_BY_ID[fid]
        assert kind == "text", fid
        line, col, width = pos[0]
        s = norm_text(s)
        # too long: drop whole words at the end, like billing software does
        while len(s) > width and " " in s:
            s = s.rsplit(" ", 1)[0].rstrip(",")
            while s.split(" ")[-1] in ("APT", "UNIT", "STE", "#", "OF", "AND"):
                s = s.rsplit(" ", 1)[0]
        s = s[:width].rstrip()
        if not s:
            return
        self.runs.append((fid, line, col, s))
        self.values[fid] = norm_text(s)

    def date(self, fid, d):
        _, _, kind, pos = FIELD_BY_ID[fid]
        y = "%04d" % d.year if kind == "date8" else "%02d" % (d.year % 100)
        for (line, col, _w), part in zip(pos, ("%02d" % d.month, "%02d" % d.day, y)):
            self.runs.append((fid, line, col, part))
        yr = d.year if kind == "date8" else 2000 + d.year % 100
        self.values[fid] = "%04d-%02d-%02d" % (yr, d.month, d.day)

    def money(self, fid, cents):
        _, _, kind, pos = FIELD_BY_ID[fid]
        assert kind == "money"
        line, col, width = pos[0]
        dollars, c = divmod(cents, 100)
        assert dollars < 100000
        self.runs.append((fid, line, col, "%5d" % dollars))
        self.runs.append((fid, line, col + 6, "%02d" % c))
        self.values[fid] = "%d.%02d" % (dollars, c)

    def phone(self, fid, area, number, dash=False):
        _, _, kind, pos = FIELD_BY_ID[fid]
        (l1, c1, _), (l2, c2, _) = pos
        self.runs.append((fid, l1, c1, area))
        self.runs.append((fid, l2, c2, number[:3] + "-" + number[3:] if dash else number))
        self.values[fid] = area + number

    def icd(self, fid, code):
        _, _, kind, pos = FIELD_BY_ID[fid]
        line, col, _ = pos[0]
        self.runs.append((fid, line, col, code.replace(".", "")))
        self.values[fid] = code

    def check(self, fid, option):
        _, _, kind, pos = FIELD_BY_ID[fid]
        for o, line, col in pos:
            if o == option:
                self.runs.append((fid, line, col, "X"))
                self.values[fid] = option
                return
        raise KeyError((fid, option))

    def modifiers(self, fid, mods):
        _, _, _, pos = FIELD_BY_ID[fid]
        line, col, _ = pos[0]
        for k, m in enumerate(mods):
            self.runs.append((fid, line, col + 3 * k, m))
        self.values[fid] = " ".join(mods)

    def to_truth_page(self, page=1):
        return {"page": page, "form": "cms1500",
                "fields": {fid: self.values[fid] for fid in FIELD_IDS}}


def person(rng, sex=None, last=None):
    if sex is None:
        sex = rng.choice("MF")
    first = rng.choice(FIRST_M if sex == "M" else FIRST_F)
    last = last or rng.choice(LAST_NAMES)
    mi = rng.choice("ABCDEFGHJKLMNPRSTW") if chance(rng, 0.75) else ""
    return {"sex": sex, "first": first, "last": last, "mi": mi}


def name_lfm(p):
    s = "%s, %s" % (p["last"], p["first"])
    if p["mi"]:
        s += ", " + p["mi"]
    return s


def name_fml(p, suffix=""):
    s = p["first"] + (" " + p["mi"] if p["mi"] else "") + " " + p["last"]
    return s + (" " + suffix if suffix else "")


def street(rng):
    num = str(rng.randint(1, 29999))
    parts = [num]
    if chance(rng, 0.2):
        parts.append(rng.choice(DIRS))
    parts.append(rng.choice(STREET_NAMES))
    parts.append(rng.choice(STREET_TYPES))
    s = " ".join(parts)
    if chance(rng, 0.2):
        s += " " + rng.choice(["APT", "UNIT", "STE", "#"]) + " " + str(rng.randint(1, 450))
    return s


def zipcode(rng, prefix):
    z5 = prefix + digits(rng, 2)
    if chance(rng, 0.3):
        plus4 = digits(rng, 4)
        return z5 + plus4 if chance(rng, 0.5) else z5 + "-" + plus4
    return z5


def address(rng):
    city, st, zp = rng.choice(CITIES)
    return {"street": street(rng), "city": city, "state": st, "zip": zipcode(rng, zp),
            "area": rng.choice("2345678") + digits(rng, 2),
            "number": rng.choice("2345678") + digits(rng, 6)}


def city_state_zip(a, width):
    forms = ["%s %s %s", "%s, %s %s"]
    for f in forms:
        s = f % (a["city"], a["state"], a["zip"])
        if len(s) <= width:
            return s
    return "%s %s %s" % (a["city"], a["state"], a["zip"][:5])


def insured_id(rng, itype):
    if itype == "medicare":
        # MBI: C A AN N A AN N A A N N
        L = "ACDEFGHJKMNPQRTUVWXY"
        return (rng.choice("123456789") + rng.choice(L) + rng.choice(L + "0123456789")
                + digits(rng, 1) + rng.choice(L) + rng.choice(L + "0123456789")
                + digits(rng, 1) + rng.choice(L) + rng.choice(L) + digits(rng, 2))
    if itype == "medicaid":
        return rng.choice(["", "MC", "YH"]) + digits(rng, rng.randint(8, 10))
    if itype in ("tricare", "champva"):
        return digits(rng, 9 if chance(rng, 0.5) else 11)
    return rng.choice(["", "", "W", "XYZ", "ABC", "H", "U"]) + digits(rng, rng.randint(8, 11))


def make_claim(rng):
    """rng: random.Random.  Returns a Claim."""
    c = Claim()
    today = rand_date(rng, _dt.date(2023, 2, 1), _dt.date(2025, 12, 20))

    # ---- carrier block
    itype = rng.choices(INS_TYPES, INS_TYPE_WEIGHTS)[0]
    payer = {"medicare": "MEDICARE PART B", "medicaid": "MEDICAID " + rng.choice(CITIES)[1]}.get(
        itype, rng.choice(PAYERS))
    if chance(rng, 0.85):
        pa = address(rng)
        c.text("payer_name", payer)
        c.text("payer_street", rng.choice(["PO BOX %d" % rng.randint(100, 99999), street(rng)]))
        c.text("payer_city_state_zip", city_state_zip(pa, 31))

    if chance(rng, 0.97):
        c.check("insurance_type", itype)
    c.text("insured_id", insured_id(rng, itype))

    # ---- patient
    pat = person(rng)
    age_years = rng.choice([rng.randint(0, 17), rng.randint(18, 64), rng.randint(65, 95)])
    birth = today - _dt.timedelta(days=int(age_years * 365.25) + rng.randint(1, 364))
    rel = rng.choices(["self", "spouse", "child", "other"], [65, 15, 15, 5])[0]
    if age_years < 18 and rel == "self" and chance(rng, 0.8):
        rel = "child"
    c.text("patient_name", name_lfm(pat))
    c.date("patient_birth_date", birth)
    if chance(rng, 0.97):
        c.check("patient_sex", pat["sex"])
    pa = address(rng)
    c.text("patient_street", pa["street"])
    c.text("patient_city", pa["city"])
    c.text("patient_state", pa["state"])
    c.text("patient_zip", pa["zip"])
    if chance(rng, 0.7):
        c.phone("patient_phone", pa["area"], pa["number"], dash=chance(rng, 0.25))
    if chance(rng, 0.95):
        c.check("patient_relationship", rel)

    # ---- insured
    if rel == "self":
        ins, ins_birth, ia = pat, birth, pa
        mode = rng.choices(["same", "SAME", "blank"], [55, 10, 35])[0]
    else:
        ins = person(rng, last=pat["last"] if rel in ("spouse", "child") and chance(rng, 0.8) else None)
        ins_birth = rand_date(rng, _dt.date(1940, 1, 1), _dt.date(2000, 12, 31))
        ia = pa if chance(rng, 0.7) else address(rng)
        mode = "same"
    if mode == "SAME":
        c.text("insured_name", "SAME")
        if chance(rng, 0.5):
            c.text("insured_street", "SAME")
    elif mode == "same":
        c.text("insured_name", name_lfm(ins))
        if chance(rng, 0.85):
            c.text("insured_street", ia["street"])
            c.text("insured_city", ia["city"])
            c.text("insured_state", ia["state"])
            c.text("insured_zip", ia["zip"])
            if chance(rng, 0.5):
                c.phone("insured_phone", ia["area"], ia["number"], dash=chance(rng, 0.25))
        if chance(rng, 0.7):
            c.date("insured_birth_date", ins_birth)
            c.check("insured_sex", ins["sex"])
    if itype not in ("medicare", "medicaid") and chance(rng, 0.75):
        c.text("insured_group_number", rng.choice(["", "GRP ", "G"]) + digits(rng, rng.randint(5, 9)))
    if chance(rng, 0.5):
        c.text("insurance_plan_name", (payer.split()[0] + " " + rng.choice(PLAN_NAMES))
               if itype not in ("medicare", "medicaid") else payer)

    # ---- other insurance
    if chance(rng, 0.15):
        oth = person(rng, last=pat["last"] if chance(rng, 0.6) else None)
        c.text("other_insured_name", name_lfm(oth))
        c.text("other_insured_policy", rng.choice(["", "GRP "]) + alnum(rng, rng.randint(6, 12)))
        c.text("other_insurance_plan_name", rng.choice(PAYERS) + " " + rng.choice(PLAN_NAMES))
        c.check("another_health_plan", "yes")
    elif chance(rng, 0.85):
        c.check("another_health_plan", "no")

    # ---- box 10
    if chance(rng, 0.9):
        c.check("employment_related", "yes" if chance(rng, 0.05) else "no")
        auto = chance(rng, 0.05)
        c.check("auto_accident", "yes" if auto else "no")
        if auto:
            c.text("auto_accident_state", rng.choice(USPS_STATES))
        c.check("other_accident", "yes" if chance(rng, 0.05) else "no")
    if chance(rng, 0.05):
        c.text("other_claim_id", "Y4 " + alnum(rng, rng.randint(8, 14)))

    # ---- signatures
    if chance(rng, 0.85):
        c.text("patient_signature", rng.choice(["SIGNATURE ON FILE", "SOF", "SIGNATURE ON FILE"]))
    if chance(rng, 0.7):
        c.text("insured_signature", rng.choice(["SIGNATURE ON FILE", "SOF", "SIGNATURE ON FILE"]))

    # ---- service dates (used by 14 and lines)
    first_dos = today - _dt.timedelta(days=rng.randint(5, 120))
    if chance(rng, 0.3):
        c.date("illness_date", first_dos - _dt.timedelta(days=rng.randint(0, 200)))
        c.text("illness_date_qualifier", rng.choice(["431", "431", "431", "484"]))

    # ---- referring
    if chance(rng, 0.3):
        c.text("referring_provider_qualifier", rng.choice(["DN", "DK", "DQ"]))
        c.text("referring_provider_name", name_fml(person(rng), rng.choice(["", "MD", "DO"])))
        if chance(rng, 0.9):
            c.text("referring_provider_npi", make_npi(rng))
    if chance(rng, 0.08):
        c.text("additional_claim_info", rng.choice(CLAIM_INFO))
    r = rng.random()
    if r < 0.6:
        c.check("outside_lab", "no")
    elif r < 0.65:
        c.check("outside_lab", "yes")

    # ---- diagnoses
    if chance(rng, 0.95):
        c.text("icd_indicator", "0")
    ndiag = rng.choices(range(1, 13), [30, 25, 18, 12, 5, 3, 2, 1, 1, 1, 1, 1])[0]
    codes = rng.sample(ICD_CODES, ndiag)
    letters = "abcdefghijkl"
    for i, code in enumerate(codes):
        c.icd("diagnosis_" + letters[i], code)

    if chance(rng, 0.06):
        c.text("resubmission_code", rng.choice("78"))
        c.text("original_ref_no", digits(rng, rng.randint(10, 15)))
    if chance(rng, 0.15):
        c.text("prior_authorization", rng.choice(["", "PA", "AUTH", "R"]) + alnum(rng, rng.randint(6, 12)))

    # ---- billing provider (needed for line NPIs)
    doc = person(rng)
    group_practice = chance(rng, 0.6)
    billing_npi = make_npi(rng)
    rendering_npi = billing_npi if not group_practice else make_npi(rng)

    # ---- service lines
    nlines = rng.choices(range(1, 7), [35, 25, 15, 10, 8, 7])[0]
    pos = rng.choice(POS)
    dos = first_dos
    total = 0
    npi_fields = []
    for n in range(1, nlines + 1):
        p = "line%d_" % n
        if n > 1 and chance(rng, 0.3):
            dos = min(dos + _dt.timedelta(days=rng.randint(1, 14)), today)
        dto = dos
        if chance(rng, 0.08):
            dto = min(dos + _dt.timedelta(days=rng.randint(1, 10)), today)
        c.date(p + "date_from", dos)
        c.date(p + "date_to", dto)
        c.text(p + "place_of_service", pos)
        code, lo, hi = rng.choice(CPT) if chance(rng, 0.8) else rng.choice(HCPCS)
        c.text(p + "procedure", code)
        nmod = rng.choices([0, 1, 2, 3, 4], [60, 25, 10, 3, 2])[0]
        if nmod:
            mods = []
            while len(mods) < nmod:
                m = rng.choices(MODIFIERS, MOD_WEIGHTS)[0]
                if m not in mods:
                    mods.append(m)
            c.modifiers(p + "modifiers", mods)
        k = rng.choices([1, 2, 3, 4], [55, 25, 12, 8])[0]
        k = min(k, ndiag)
        ptr = "".join("ABCDEFGHIJKL"[i] for i in sorted(rng.sample(range(ndiag), k)))
        c.text(p + "diagnosis_pointer", ptr)
        units = rng.choices([1, 2, 3, 4, rng.randint(5, 60)], [75, 10, 5, 4, 6])[0]
        unit_cents = rng.randint(lo * 100, hi * 100) if hi else 0
        if unit_cents and chance(rng, 0.6):
            unit_cents = unit_cents // 100 * 100       # whole dollars are common
        charge = min(unit_cents * units, 1500000)
        c.money(p + "charges", charge)
        total += charge
        c.text(p + "units", str(units))
        if group_practice or chance(rng, 0.3):
            c.text(p + "rendering_npi", rendering_npi)
            npi_fields.append(p + "rendering_npi")

    # ---- box 25-33
    if chance(rng, 0.85):
        ein = rng.choice("1234589") + digits(rng, 8)
        c.text("federal_tax_id", ein if chance(rng, 0.8) else ein[:2] + "-" + ein[2:])
        c.check("federal_tax_id_type", "EIN")
    else:
        ssn = rng.choice("1234567") + digits(rng, 8)
        c.text("federal_tax_id", ssn if chance(rng, 0.8) else ssn[:3] + "-" + ssn[3:5] + "-" + ssn[5:])
        c.check("federal_tax_id_type", "SSN")
    if chance(rng, 0.85):
        if chance(rng, 0.3):
            acct = rng.choice(["", "ACCT", "P", "00"]) + alnum(rng, rng.randint(5, 10))
        else:
            acct = digits(rng, rng.randint(4, 12))
        c.text("patient_account_no", acct)
    if chance(rng, 0.9):
        c.check("accept_assignment", "yes" if chance(rng, 0.85) else "no")
    c.money("total_charge", total)
    if chance(rng, 0.3):
        paid = 0 if chance(rng, 0.5) or total == 0 else rng.randint(1, max(1, total // 100)) * 100
        c.money("amount_paid", paid)

    ba = address(rng)
    if group_practice:
        bname = rng.choice([doc["last"], ba["city"], rng.choice(STREET_NAMES)]) + " " + rng.choice(PRACTICE_SUFFIX)
        if chance(rng, 0.4):
            bname += rng.choice([" PC", " LLC", " PA", " INC"])
    else:
        bname = name_fml(doc, rng.choice(["MD", "DO", "NP", "PA", "DPM", "PT"]))
    if len(bname) > 25:
        bname = bname.rsplit(" ", 1)[0]
    c.text("billing_provider_name", bname)
    c.text("billing_provider_street", ba["street"])
    c.text("billing_provider_city_state_zip", city_state_zip(ba, 27))
    if chance(rng, 0.8):
        c.phone("billing_provider_phone", ba["area"], ba["number"], dash=chance(rng, 0.25))
    c.text("billing_provider_npi", billing_npi)
    npi_fields.append("billing_provider_npi")

    if chance(rng, 0.4):
        fa = ba if chance(rng, 0.3) else address(rng)
        fname = rng.choice(FACILITY_PREFIX) + " " + rng.choice(FACILITY_SUFFIX)
        c.text("service_facility_name", fname)
        c.text("service_facility_street", fa["street"])
        c.text("service_facility_city_state_zip", city_state_zip(fa, 27))
        if chance(rng, 0.8):
            c.text("service_facility_npi", make_npi(rng))
            npi_fields.append("service_facility_npi")
    if c.values["referring_provider_npi"]:
        npi_fields.append("referring_provider_npi")

    if chance(rng, 0.9):
        c.text("physician_signature", rng.choice(["SIGNATURE ON FILE", name_fml(doc, "MD"), "SOF"]))
    if chance(rng, 0.8):
        c.date("physician_signature_date", today)

    # ---- deliberate error, about 1 claim in 6
    if chance(rng, 1 / 6):
        if chance(rng, 0.5):
            fid = rng.choice(npi_fields)
            bad = break_npi(rng, c.values[fid])
            # every run of that field (all lines sharing the NPI keep theirs)
            c.runs = [(f, l, col, bad if f == fid else t) for f, l, col, t in c.runs]
            c.values[fid] = bad
            c.errors.append("npi_check_digit:" + fid)
        else:
            delta = rng.choice([-1, 1]) * rng.choice([100, 1000, 1, 10, rng.randint(2, 5000)])
            if total + delta < 0:
                delta = -delta
            c.runs = [r for r in c.runs if r[0] != "total_charge"]
            c.money("total_charge", total + delta)
            c.errors.append("total_mismatch:total_charge")
    return c
