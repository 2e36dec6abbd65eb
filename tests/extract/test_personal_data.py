"""Personal data masking (graph_builder/extract/personal_data.py, docs/personal-data.md): one test
per pattern as the corpus prints it, the look-alikes that must stay, and the properties every
masked text keeps (same length, whitespace, lines, idempotence)."""
import hashlib

import pytest

from graph_builder.extract.goodpractice import contact_role
from graph_builder.extract.personal_data import MASK, mask_personal_data, personal_data_spans
from graph_builder.extract.source import decode_source
from tests.conftest import CORPUS


def masked(text: str) -> list[str]:
    """The pieces of text that were masked, read from the original."""
    out = mask_personal_data(text)
    assert len(out) == len(text)
    pieces, cur = [], ""
    for a, b in zip(text, out):
        if b == MASK or (cur and a.isspace() and b == a):
            cur += a
        elif cur:
            pieces.append(cur.strip())
            cur = ""
    if cur:
        pieces.append(cur.strip())
    return pieces


def kept(text: str) -> bool:
    return mask_personal_data(text) == text


# --- phone numbers ------------------------------------------------------------------------------

@pytest.mark.parametrize("text, number", [
    ("FORCE CONTACT: Sergeant X – 01244 614572", "01244 614572"),
    ("Tel: (01244) 612 345 for details", "(01244) 612 345"),
    ("call +44 1244 612345 today", "+44 1244 612345"),
    ("call +44 (0)1244 612345 today", "+44 (0)1244 612345"),
    ("or +441244612345.", "+441244612345"),
    ("DD: 01905 338881, mobile: 07866 529846", "01905 338881"),
    ("switchboard 020 7946 0018.", "020 7946 0018"),
    ("on 0121-626-5000 or", "0121-626-5000"),
    ("on 01244612345 or", "01244612345"),
    ("Tel 0121\u00a0626\u00a05000", "0121\u00a0626\u00a05000"),
])
def test_phone_numbers_as_printed(text, number):
    assert masked(text)[:1] == [number]


def test_extensions_are_masked_and_their_label_kept():
    text = "Tel: 0845 113 5000 ext 7800 2383"
    assert masked(text) == ["0845 113 5000", "7800 2383"]
    assert mask_personal_data(text) == "Tel: ████ ███ ████ ext ████ ████"
    assert masked("Tel: 01244 614572 x 2345") == ["01244 614572", "2345"]
    assert masked("Ext. 2383, or Extn: 4471") == ["2383", "4471"]


@pytest.mark.parametrize("text", [
    "ISBN: 978-1-84726-448-0", "**ISBN-10: 1-84726-054-3**", "ISBN-13: 978-1-84726-054-3",
    "between 01/10/2007 and 31/03/2008", "1 October 2007", "in 2006/07 and 2007/08",
    "8,201 police officers, 3,639 police staff", "a fall of 0.5% to 16.11%", "savings of £1,064,679",
    "999 calls and 101 calls", "Page 12 of 120", "0\t5\t12\t4", "2005 2006 2007 2008",
    "the next 100 days", "in this context 2007 was", "the 0800 line", "the 012 345 678 series",
    "crime fell 0.07 per 1,000 population", "open 0900 1700 weekdays",
])
def test_numbers_that_are_not_phone_numbers_are_kept(text):
    assert kept(text)


# --- e-mail addresses ---------------------------------------------------------------------------

@pytest.mark.parametrize("text, address", [
    ("Email: e.thompson@west-midlands.pnn.police.uk", "e.thompson@west-midlands.pnn.police.uk"),
    ("to Jo.Nurse@westmercia.pnn.police.uk.", "Jo.Nurse@westmercia.pnn.police.uk"),
    ("(john_smith+hmic@example.org.uk)", "john_smith+hmic@example.org.uk"),
    ("o'neill@cheshire.police.uk", "o'neill@cheshire.police.uk"),
])
def test_email_addresses(text, address):
    assert masked(text) == [address]


def test_a_mailto_link_is_masked_twice_and_its_markup_kept():
    text = "Email: [e.thompson@west-midlands.pnn.police.uk](mailto:e.thompson@west-midlands.pnn.police.uk)"
    out = mask_personal_data(text)
    assert out.startswith("Email: [█") and "](mailto:█" in out and out.endswith("█)")
    assert "@" not in out and "pnn" not in out


@pytest.mark.parametrize("text", ["follow @WMerciaPolice", "3 @ £5 each", "user@localhost", "a@b", "@"])
def test_what_is_not_an_email_address_is_kept(text):
    assert kept(text)


# --- a rank or title and a name ------------------------------------------------------------------

@pytest.mark.parametrize("rank", [
    "Sergeant", "Sgt", "Sgt.", "Detective Sergeant", "Inspector", "Insp", "Detective Inspector",
    "Chief Inspector", "Detective Chief Inspector", "Superintendent", "Supt", "Chief Superintendent",
    "Detective Superintendent", "Detective Constable", "Police Constable", "Special Constable",
    "PC", "DC", "DS", "DI", "DCI", "PCSO", "Mr", "Mrs", "Ms", "Miss", "Dr",
])
def test_rank_or_title_and_name(rank):
    text = f"The scheme was led by {rank} Jane McAllister-Jones, who reported to the board."
    assert masked(text) == ["Jane McAllister-Jones"]
    assert f"{rank} ████ ████████████████," in mask_personal_data(text)


@pytest.mark.parametrize("text, name", [
    ("FORCE CONTACT: Detective Constable 481 Alison McCausland – 01244 614826", "481 Alison McCausland"),
    ("Superintendent J Tozer – DD:", "J Tozer"),
    ("Sgt. O'Connor said", "O'Connor"),
    ("PC 1234 Smith attended", "1234 Smith"),
    ("A renowned consultant, Dr Felicity Gibling, was commissioned", "Felicity Gibling"),
    ("Inspector Zoë Brûlé and", "Zoë Brûlé"),
    ("Mr A. B. Carver chaired", "A. B. Carver"),
])
def test_names_as_printed(text, name):
    assert name in masked(text)


@pytest.mark.parametrize("text", [
    "The Chief Constable commissioned consultancy work last year.",
    "all 123 officers, from the Chief Constable to chief inspectors",
    "a PC on every desk", "PC World", "a PC Magazine review", "PC Software Licences",
    "the PC/DC ratio", "DCI, DI and DS posts", "DS Lite", "DI Review Group",
    "PCSO Project Manager", "Inspector General of Police", "the Sergeant Training Programme",
    "Superintendent of Police", "the inspector and the sergeant", "Inspectors Smith and Jones",
    "HM Inspector Zoë Billingham", "Her Majesty's Chief Inspector Sir Tom Winsor",
    "Ms Office 2003", "Dr", "Mr.", "West Mercia Police and Cheshire Constabulary",
    "ACPO, NPIA, CPS, PPAF, HMIC and the IPCC", "Chief Officer Level",
])
def test_ranks_and_acronyms_without_a_name_are_kept(text):
    assert kept(text)


def test_chief_officers_and_office_holders_named_in_the_narrative_are_kept():
    # West Midlands 2006, force overview: the public leadership of the force and its authority.
    text = ("The chief officer group (COG) consists of: Chief Constable – Paul Scott-Lee; Deputy Chief "
            "Constable (DCC) – Chris Sims; ACC (operations) – Anil Patani. The PA chair is Councillor "
            "Diana Holl-Allen, and the Reverend Derek Webley and Councillor Yvonne Mosquito act as vice "
            "chairs. Chief Constable Peter Fahy said. In line with Lord Laming's recommendations, the "
            "Jill Dando Institute's index and the Rebai Chorfi trophy.")
    assert kept(text)


# --- contact blocks --------------------------------------------------------------------------------

def test_contact_block_names_beside_a_number_whatever_the_rank():
    text = ("**FORCE CONTACT:** Inspector Mark Smith (HQ local policing support team) – 01905 331985 / "
            "Jo Nurse (local policing programme team) – 01905 338819\n")
    assert masked(text) == ["Mark Smith", "01905 331985", "Jo Nurse", "01905 338819"]
    assert masked("FORCE CONTACT: Assistant Chief Officer Brian Simmons – 01244 612092") == [
        "Brian Simmons", "01244 612092"]
    assert masked("<b>FORCE CONTACT:</b> ACC Jane Doe, Tel 01234 567890") == ["Jane Doe", "01234 567890"]


def test_contact_block_with_the_value_below_the_label():
    text = ("FORCE CONTACT:\n\nJo Nurse\nLocal Policing Programme Team\n\nTel: 01905 338819\n\n"
            "Protecting Vulnerable People – Overview\n\nJo Nurse presented the scheme to the board.\n")
    assert masked(text) == ["Jo Nurse", "01905 338819", "Jo Nurse"]
    assert "Local Policing Programme Team" in mask_personal_data(text)
    assert "Protecting Vulnerable People – Overview" in mask_personal_data(text)
    text = "Contact details:\nDetective Sergeant Ann Lee\nEmail: ann.lee@x.pnn.police.uk\n"
    assert masked(text) == ["Ann Lee", "ann.lee@x.pnn.police.uk"]


def test_a_contact_block_without_a_number_or_address_keeps_its_words():
    text = ("**FORCE CONTACT:** Student Crime Reduction Co-ordinator\n\nForce Community Safety Bureau\n\n"
            "Performance Management\n\nContact Management\n\nThe Contact Counts strategy")
    assert kept(text)


def test_a_masked_name_is_masked_elsewhere_but_not_a_namesake_surname():
    text = ("FORCE CONTACT: Jo Nurse – 01905 338819\n\nLater Jo\nNurse said so. Director of "
            "Finance – Derek Nurse.")
    assert masked(text) == ["Jo Nurse", "01905 338819", "Jo\nNurse"]


# --- properties --------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(p.name for p in CORPUS.glob("*.txt")))
def test_corpus_texts_are_masked_same_length_whitespace_and_lines_kept(name):
    text = (CORPUS / name).read_text(encoding="utf-8")
    out = mask_personal_data(text)
    assert len(out) == len(text) and out.count("\n") == text.count("\n")
    assert all(a == b or (b == MASK and not a.isspace()) for a, b in zip(text, out))
    assert mask_personal_data(out) == out and not personal_data_spans(out)


def test_the_source_text_is_masked_once_where_it_is_decoded_and_hashed_as_stored():
    raw = "FORCE CONTACT: Sergeant Jez Taylor – 01244 614572\n".encode()
    src = decode_source("x.txt", b"\xef\xbb\xbf" + raw)
    assert src.text == "FORCE CONTACT: Sergeant ███ ██████ – █████ ██████\n"
    assert src.sha256 == hashlib.sha256(src.text.encode()).hexdigest()


CORPUS_CONTACTS = [
    ("Sergeant Jez Taylor, PCSO Project Manager – 01244 614572", "Sergeant, PCSO Project Manager"),
    ("Assistant Chief Officer Brian Simmons – 01244 612092", "Assistant Chief Officer"),
    ("Detective Constable 481 Alison McCausland – 01244 614826", "Detective Constable"),
    (("Inspector Mark Smith (HQ local policing support team) – 01905 331985 / Jo Nurse (local policing "
      "programme team) – 01905 338819"), "Inspector, HQ local policing support team; local policing programme team"),
    ("Superintendent J Tozer – DD: 01905 338881, mobile: 07866 529846", "Superintendent"),
    ("Detective Superintendent Martin Lakeman – 01905 747062", "Detective Superintendent"),
    (("Student Crime Reduction Co-ordinator\nForce Community Safety Bureau\nTel: 0845 113 5000 ext 7800 2383\n"
      "Email: e.thompson@west-midlands.pnn.police.uk"), "Student Crime Reduction Co-ordinator; Force Community Safety Bureau"),
]


@pytest.mark.parametrize("contact, role", CORPUS_CONTACTS)
def test_contact_roles_are_the_same_from_the_masked_text(contact, role):
    assert contact_role(contact) == role
    assert contact_role(mask_personal_data("FORCE CONTACT: " + contact)[len("FORCE CONTACT: "):]) == role
