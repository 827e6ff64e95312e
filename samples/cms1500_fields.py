"""CMS-1500 (02/12) field table, transcribed from /work/shared/spec/cms1500.md.

Each entry: (field id, box, kind, positions).  For kind "check" the positions
are (option, line, column); otherwise (line, column, width) per printed part.
Service-line fields are listed for line 1 only; FIELDS expands them to
line1..line6 (line N is printed on grid line 42 + 2N).
"""

# Print grid at 300 dpi: cell (line L, column C) has its top-left corner at
# x = 0.30 in + (C-1) * 0.1 in, y = 1/3 in + (L-1) / 6 in.
DPI = 300
CELL_W = 30          # 0.1 in
CELL_H = 50          # 1/6 in
GRID_X0 = 90         # 0.30 in
GRID_Y0 = 100        # 1/3 in
PAGE_W, PAGE_H = 2550, 3300


def cell_xy(line, col):
    """Top-left pixel of a print cell on the 300-dpi reference form."""
    return GRID_X0 + (col - 1) * CELL_W, GRID_Y0 + (line - 1) * CELL_H


SPEC_TABLE = [
    ('payer_name', 'carrier block', 'text', [(2, 41, 31)]),
    ('payer_street', 'carrier block', 'text', [(4, 41, 31)]),
    ('payer_city_state_zip', 'carrier block', 'text', [(5, 41, 31)]),
    ('insurance_type', '1', 'check', [('medicare', 8, 1), ('medicaid', 8, 8), ('tricare', 8, 15), ('champva', 8, 24), ('group', 8, 31), ('feca', 8, 39), ('other', 8, 45)]),
    ('insured_id', '1a', 'text', [(8, 50, 17)]),
    ('patient_name', '2', 'text', [(10, 1, 28)]),
    ('patient_birth_date', '3', 'date8', [(10, 31, 2), (10, 34, 2), (10, 37, 4)]),
    ('patient_sex', '3', 'check', [('M', 10, 42), ('F', 10, 47)]),
    ('insured_name', '4', 'text', [(10, 50, 28)]),
    ('patient_street', '5', 'text', [(12, 1, 28)]),
    ('patient_relationship', '6', 'check', [('self', 12, 33), ('spouse', 12, 38), ('child', 12, 42), ('other', 12, 47)]),
    ('insured_street', '7', 'text', [(12, 50, 28)]),
    ('patient_city', '5', 'text', [(14, 1, 20)]),
    ('patient_state', '5', 'text', [(14, 26, 2)]),
    ('insured_city', '7', 'text', [(14, 50, 20)]),
    ('insured_state', '7', 'text', [(14, 74, 2)]),
    ('patient_zip', '5', 'text', [(16, 1, 10)]),
    ('patient_phone', '5', 'phone', [(16, 15, 3), (16, 19, 8)]),
    ('insured_zip', '7', 'text', [(16, 50, 10)]),
    ('insured_phone', '7', 'phone', [(16, 65, 3), (16, 69, 8)]),
    ('other_insured_name', '9', 'text', [(18, 1, 28)]),
    ('insured_group_number', '11', 'text', [(18, 50, 30)]),
    ('other_insured_policy', '9a', 'text', [(20, 1, 28)]),
    ('employment_related', '10a', 'check', [('yes', 20, 35), ('no', 20, 41)]),
    ('insured_birth_date', '11a', 'date8', [(20, 53, 2), (20, 56, 2), (20, 59, 4)]),
    ('insured_sex', '11a', 'check', [('M', 20, 68), ('F', 20, 75)]),
    ('auto_accident', '10b', 'check', [('yes', 22, 35), ('no', 22, 41)]),
    ('auto_accident_state', '10b', 'text', [(22, 45, 2)]),
    ('other_claim_id', '11b', 'text', [(22, 50, 30)]),
    ('other_accident', '10c', 'check', [('yes', 24, 35), ('no', 24, 41)]),
    ('insurance_plan_name', '11c', 'text', [(24, 50, 30)]),
    ('other_insurance_plan_name', '9d', 'text', [(26, 1, 28)]),
    ('another_health_plan', '11d', 'check', [('yes', 26, 52), ('no', 26, 57)]),
    ('patient_signature', '12', 'text', [(29, 7, 17)]),
    ('insured_signature', '13', 'text', [(29, 55, 17)]),
    ('illness_date', '14', 'date8', [(32, 2, 2), (32, 5, 2), (32, 8, 4)]),
    ('illness_date_qualifier', '14', 'text', [(32, 16, 3)]),
    ('referring_provider_qualifier', '17', 'text', [(34, 1, 3)]),
    ('referring_provider_name', '17', 'text', [(34, 4, 25)]),
    ('referring_provider_npi', '17b', 'text', [(34, 33, 15)]),
    ('additional_claim_info', '19', 'text', [(36, 1, 48)]),
    ('outside_lab', '20', 'check', [('yes', 36, 52), ('no', 36, 57)]),
    ('icd_indicator', '21', 'text', [(37, 42, 1)]),
    ('diagnosis_a', '21', 'icd', [(38, 3, 8)]),
    ('diagnosis_b', '21', 'icd', [(38, 16, 8)]),
    ('diagnosis_c', '21', 'icd', [(38, 29, 8)]),
    ('diagnosis_d', '21', 'icd', [(38, 42, 8)]),
    ('diagnosis_e', '21', 'icd', [(39, 3, 8)]),
    ('diagnosis_f', '21', 'icd', [(39, 16, 8)]),
    ('diagnosis_g', '21', 'icd', [(39, 29, 8)]),
    ('diagnosis_h', '21', 'icd', [(39, 42, 8)]),
    ('diagnosis_i', '21', 'icd', [(40, 3, 8)]),
    ('diagnosis_j', '21', 'icd', [(40, 16, 8)]),
    ('diagnosis_k', '21', 'icd', [(40, 29, 8)]),
    ('diagnosis_l', '21', 'icd', [(40, 42, 8)]),
    ('resubmission_code', '22', 'text', [(38, 50, 10)]),
    ('original_ref_no', '22', 'text', [(38, 62, 15)]),
    ('prior_authorization', '23', 'text', [(40, 50, 28)]),
    ('line1_date_from', '24A', 'date6', [(44, 1, 2), (44, 4, 2), (44, 7, 2)]),
    ('line1_date_to', '24A', 'date6', [(44, 10, 2), (44, 13, 2), (44, 16, 2)]),
    ('line1_place_of_service', '24B', 'text', [(44, 19, 2)]),
    ('line1_procedure', '24D', 'text', [(44, 25, 7)]),
    ('line1_modifiers', '24D', 'text', [(44, 33, 12)]),
    ('line1_diagnosis_pointer', '24E', 'text', [(44, 45, 4)]),
    ('line1_charges', '24F', 'money', [(44, 50, 8)]),
    ('line1_units', '24G', 'text', [(44, 59, 3)]),
    ('line1_rendering_npi', '24J', 'text', [(44, 68, 10)]),
    ('federal_tax_id', '25', 'text', [(56, 1, 15)]),
    ('federal_tax_id_type', '25', 'check', [('SSN', 56, 17), ('EIN', 56, 19)]),
    ('patient_account_no', '26', 'text', [(56, 23, 15)]),
    ('accept_assignment', '27', 'check', [('yes', 56, 38), ('no', 56, 43)]),
    ('total_charge', '28', 'money', [(56, 52, 8)]),
    ('amount_paid', '29', 'money', [(56, 62, 8)]),
    ('billing_provider_phone', '33', 'phone', [(57, 66, 3), (57, 70, 8)]),
    ('service_facility_name', '32', 'text', [(58, 23, 25)]),
    ('billing_provider_name', '33', 'text', [(58, 50, 25)]),
    ('service_facility_street', '32', 'text', [(59, 23, 25)]),
    ('billing_provider_street', '33', 'text', [(59, 50, 25)]),
    ('physician_signature', '31', 'text', [(60, 1, 20)]),
    ('service_facility_city_state_zip', '32', 'text', [(60, 23, 27)]),
    ('billing_provider_city_state_zip', '33', 'text', [(60, 50, 27)]),
    ('physician_signature_date', '31', 'date6', [(61, 6, 2), (61, 9, 2), (61, 12, 2)]),
    ('service_facility_npi', '32a', 'text', [(61, 23, 10)]),
    ('billing_provider_npi', '33a', 'text', [(61, 50, 10)]),
]

N_SERVICE_LINES = 6


def _expand():
    fields = []
    for fid, box, kind, pos in SPEC_TABLE:
        if fid.startswith("line1_"):
            base = fid[len("line1_"):]
            for n in range(1, N_SERVICE_LINES + 1):
                dl = 2 * (n - 1)
                if kind == "check":
                    npos = [(o, l + dl, c) for o, l, c in pos]
                else:
                    npos = [(l + dl, c, w) for l, c, w in pos]
                fields.append(("line%d_%s" % (n, base), box, kind, npos))
        else:
            fields.append((fid, box, kind, pos))
    return fields


FIELDS = _expand()
FIELD_IDS = [f[0] for f in FIELDS]
FIELD_BY_ID = {f[0]: f for f in FIELDS}
KIND_OF = {f[0]: f[2] for f in FIELDS}
