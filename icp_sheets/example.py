"""The Example ICP the template ships with, and its example accounts and contacts.

The rubric is the worked example of a published account-scoring method (size
band, funding stage, CRM in the stack, region; enterprise and public sector
disqualified; four trigger signals). It is the reference the tests and the
documentation use, so change it only together with them.
"""

from __future__ import annotations

import datetime as dt

from icp_sheets.core.aliases import vendor_headers
from icp_sheets.core.conditions import parse_condition
from icp_sheets.core.formats import AccountColumn
from icp_sheets.core.models import (
    Criterion,
    Disqualifier,
    IcpModel,
    Layer,
    Narrative,
    Persona,
    Role,
    Settings,
    Signal,
)

AS_OF = dt.date(2026, 11, 16)

ACCOUNT_COLUMNS = (
    "Company", "Domain", "Industry", "Employees", "Region", "Funding stage", "Tech stack",
    "Last funding date", "Sales hiring date", "Leader hired date", "Tech switch date",
)  # fmt: skip
CONTACT_COLUMNS = ("Name", "Title", "Company", "Department", "Seniority", "Email")

_F, _T = Layer.FIRMOGRAPHIC, Layer.TECHNOGRAPHIC
_CRITERIA = [
    ("Employees", "between 50 and 200", 2, _F, "Big enough to have a sales team, small enough to decide fast."),
    ("Employees", "between 201 and 500", 1, _F, "Still a fit, longer buying cycle."),
    ("Employees", "between 501 and 1000", 0, _F, "Fills the gap up to the enterprise cut-off."),
    ("Employees", "below 50", 0, _F, "Founder-led sales; usually too early."),
    ("Funding stage", "one of Series A, Series B, Series C", 1, _F, "Funded to grow the sales team."),
    ("Funding stage", "one of Bootstrapped", 0, _F, "Can buy, but budgets are tight."),
    ("Funding stage", "one of Series D, Series E, Series F, Public", -1, _F, "Late stage: committees."),
    ("Tech stack", "contains any of Salesforce, HubSpot", 2, _T, "We integrate natively with these CRMs."),
    ("Tech stack", "contains any of Pipedrive, Zoho", -1, _T, "Integration is manual; churn is higher."),
    ("Region", "one of North America", 1, _F, "Our team and references are there."),
]  # fmt: skip

_DISQUALIFIERS = [
    ("Employees", "above 1000", "More than 1,000 employees: enterprise procurement"),
    ("Industry", "one of Government, Government Administration", "Public sector: procurement-heavy, 12-month cycles"),
]

_SIGNALS = [
    ("Sales hiring", "Sales hiring date", 1, 60),
    ("Funding round", "Last funding date", 1, 30),
    ("New leader", "Leader hired date", 1, 90),
    ("Tech switch", "Tech switch date", 1, 90),
]

_PERSONAS = [
    Persona(
        name="Sales leader",
        role=Role.ECONOMIC_BUYER,
        title_keywords=(
            "VP Sales",
            "VP of Sales",
            "CRO",
            "Chief Revenue Officer",
            "Head of Sales",
            "Sales Director",
            "Director of Sales",
        ),
        department="Sales",
        seniority="VP",
        angle="Lead with pipeline per rep: how much more the same team closes when it works the right accounts.",
    ),
    Persona(
        name="RevOps champion",
        role=Role.CHAMPION,
        title_keywords=("RevOps", "Revenue Operations", "Sales Ops", "Sales Operations", "Sales Enablement"),
        department="Operations",
        seniority="Manager",
        angle="Offer to take list building and scoring off their plate, inside the sheet they already own.",
    ),
    Persona(
        name="CRM gatekeeper",
        role=Role.TECHNICAL_GATEKEEPER,
        title_keywords=(
            "CRM Admin",
            "CRM Administrator",
            "Salesforce Administrator",
            "HubSpot Admin",
            "IT",
            "Information Technology",
            "Security",
            "CISO",
        ),
        department="IT",
        seniority="",
        angle="Show that nothing leaves their CRM unasked: read-only access, no new logins, data stays put.",
    ),
]

ACTIONS = {
    "A1": "Call this week: multi-thread the sales leader and RevOps, open with the trigger.",
    "A2": "Personal sequence within two weeks that names the signal.",
    "A3": "Great fit, no trigger yet: monthly touch and watch for signals.",
    "B1": "Reach out this week with the trigger; qualify the fit gaps on the first call.",
    "B2": "Standard sequence; confirm the fit gaps early.",
    "B3": "Marketing nurture; rescore when a signal fires.",
    "C1": "Timely but weak fit: one light-touch e-mail, no calls.",
    "C2": "Low priority: automated sequence only.",
    "C3": "Park: no outreach until fit or timing changes.",
}

NARRATIVE = Narrative(
    company="B2B software companies of 50–500 people in North America, Series A–C, running Salesforce or HubSpot.",
    situation="A sales team of 5–40 reps that works lists by hand and argues about which accounts matter.",
    trigger="New funding, a new sales leader, sales hiring or a CRM switch in the last one to three months.",
    alternative="Spreadsheets scored by gut feel, or an enterprise intent platform they cannot staff.",
    urgency="New quota lands with the new money or the new leader; every month of bad targeting costs pipeline.",
)


def example_model() -> IcpModel:
    """The Example ICP, exactly as the template ships it."""
    row = 2
    criteria = []
    for column, condition, points, layer, note in _CRITERIA:
        criteria.append(
            Criterion(
                column=column, condition=parse_condition(condition), points=points, layer=layer, note=note, row=row
            )
        )
        row += 1
    disqualifiers = [
        Disqualifier(column=c, condition=parse_condition(t), reason=r, row=i)
        for i, (c, t, r) in enumerate(_DISQUALIFIERS, start=2)
    ]
    signals = [
        Signal(name=n, date_column=c, points=p, window_days=w, row=i)
        for i, (n, c, p, w) in enumerate(_SIGNALS, start=2)
    ]
    personas = [p.model_copy(update={"row": i}) for i, p in enumerate(_PERSONAS, start=2)]
    settings = Settings(
        model_name="Example ICP: B2B sales software",
        model_version="1.0",
        last_reviewed=dt.date(2026, 11, 2),
        as_of=AS_OF,
        actions=ACTIONS,
        narrative=NARRATIVE,
    )
    model = IcpModel(
        settings=settings,
        criteria=tuple(criteria),
        disqualifiers=tuple(disqualifiers),
        signals=tuple(signals),
        personas=tuple(personas),
    )
    columns = [
        AccountColumn(name=c, also_called=vendor_headers(c), row=i)
        for i, c in enumerate(model.required_columns(), start=2)
    ]
    return model.model_copy(update={"columns": tuple(columns)})


def _days(n: int | None) -> dt.date | None:
    return None if n is None else AS_OF - dt.timedelta(days=n)


# Company, domain, industry, employees, region, funding, tech stack, and how many days before
# AS_OF each signal happened (None = no event). A few cells are messy on purpose: that is
# what real exports look like, and the example shows how they are read.
_ACCOUNTS = [
    ("Brightlane Analytics", "brightlane.example", "Software", 120, "North America", "Series B",
     "Salesforce, Outreach, Slack", 12, 20, None, None),
    ("Harbor & Finch", "harborfinch.example", "Fintech", 85, "North America", "Series A",
     "HubSpot; Gong", None, 35, 40, None),
    ("Quillstone Health", "quillstone.example", "Healthcare", 340, "North America", "Series C",
     "Salesforce", 70, None, 15, None),
    ("Tandem Freight", "tandemfreight.example", "Logistics", 160, "Europe", "Series B",
     "HubSpot", None, 50, None, 30),
    ("Orchard Ledger", "orchardledger.example", "Fintech", 60, "North America", "Seed",
     "Pipedrive", 10, None, None, None),
    ("Kestrel Security", "kestrelsec.example", "Cybersecurity", 210, "North America", "Series D",
     "Salesforce, Okta", None, None, None, 100),
    ("Municipal Works Cloud", "muniworks.example", "Government", 150, "North America", "Series A",
     "Salesforce", 5, 5, None, None),
    ("Atlas Forge", "atlasforge.example", "Manufacturing", 2400, "North America", "Public",
     "Salesforce, SAP", None, 10, None, None),
    ("Pinecrest Learning", "pinecrest.example", "Education", 45, "North America", "Bootstrapped",
     "HubSpot", None, None, None, None),
    ("Lumen Retail Systems", "lumenretail.example", "Retail tech", 480, "North America", "Series B",
     "Zoho", None, 25, None, None),
    ("Copperleaf Energy", "copperleaf.example", "Energy", 730, "Europe", "Series E",
     "Salesforce", None, None, 60, None),
    ("Nimbus Payroll", "nimbuspayroll.example", "HR tech", "1,200", "North America", "Series C",
     "HubSpot", 20, 20, None, None),
    ("Driftwood Studios", "driftwood.example", "Media", 25, "Europe", "Bootstrapped",
     "", None, None, None, None),
    ("Vantage Procure", "vantageprocure.example", "Software", 190, "North America", "Series A",
     "HubSpot, Salesforce", 28, 59, 89, 89),
    ("Solace Clinics", "solaceclinics.example", "Healthcare", "n/a", "North America", "Series B",
     "Salesforce", None, 14, None, None),
    ("Ironbark Logistics", "ironbark.example", "Logistics", 200, "APAC", "Series C",
     "Pipedrive, HubSpot", 31, 61, 91, 91),
    ("Meridian Insurance Group", "meridianins.example", "Insurance", 950, "North America", "Public",
     "Salesforce", None, None, None, None),
    ("Beacon Dental Network", "beacondental.example", "Healthcare", 51, "North America", "Series A",
     "Zoho", 3, None, None, None),
    ("Cobalt Ridge Software", "cobaltridge.example", "Software", 201, "North America", "Series B",
     "Salesforce", None, 0, None, None),
    ("Fernhill Foods", "fernhill.example", "Food & beverage", 500, "Europe", "Bootstrapped",
     "HubSpot", None, None, None, 45),
    ("Granite Peak Legal", "granitepeak.example", "Legal tech", " 75 ", "North America", "Series A",
     "HubSpot", None, None, 30, None),
    ("State Transit Authority", "statetransit.example", "Government", 3200, "North America", "Public",
     "Salesforce", None, 15, None, None),
    ("Juniper Robotics", "juniperrobotics.example", "Robotics", 1000, "North America", "Series D",
     "Salesforce", 2, None, None, None),
    ("Sable & Co", "sableco.example", "Consulting", 12, "North America", "Bootstrapped",
     "", None, None, None, None),
    ("Halcyon Travel", "halcyontravel.example", "Travel", 260, "LATAM", "Series B",
     "HubSpot", None, 40, None, None),
    ("Wavecrest Media", "wavecrest.example", "Media", 140, "North America", "Series C",
     "salesforce", 45, 10, None, None),
    ("Keystone Biotech", "keystonebio.example", "Biotech", 420, "Europe", "Series C",
     "Salesforce, Veeva", 7, None, 20, None),
    ("Redwood Commerce", "redwoodcommerce.example", "E-commerce", 180, "North America", "Bootstrapped",
     "Shopify, Klaviyo", None, None, None, 12),
    ("Northwind Data", "northwinddata.example", "Software", 95, "North America", "Series B",
     "HubSpot", 15, 30, 60, 80),
    ("Ember Lane Apparel", "emberlane.example", "Retail", 620, "North America", "Series D",
     "Zoho, Shopify", None, None, None, None),
]  # fmt: skip

_CONTACTS = [
    ("Maya Chen", "VP Sales", "Brightlane Analytics", "Sales", "VP"),
    ("Leo Martins", "Revenue Operations Manager", "Brightlane Analytics", "Operations", "Manager"),
    ("Priya Raman", "Chief Revenue Officer", "Harbor & Finch", "Sales", "C-level"),
    ("Tom Becker", "Salesforce Administrator", "Quillstone Health", "IT", "Individual contributor"),
    ("Ana Souza", "Head of Sales", "Vantage Procure", "Sales", "Head"),
    ("Jon Park", "Sales Enablement Lead", "Vantage Procure", "Sales", "Manager"),
    ("Elif Kaya", "Director of IT", "Cobalt Ridge Software", "IT", "Director"),
    ("Sam O'Neil", "Account Executive", "Northwind Data", "Sales", "Individual contributor"),
    ("Grace Liu", "Sr. Sales Operations Analyst", "Northwind Data", "Operations", "Individual contributor"),
    ("Marcus Reed", "Information Security Officer", "Kestrel Security", "IT", "Director"),
    ("Nora Walsh", "Marketing Manager", "Granite Peak Legal", "Marketing", "Manager"),
    ("Diego Alvarez", "VP of Sales, North America", "Wavecrest Media", "Sales", "VP"),
]


def example_accounts() -> list[dict[str, object]]:
    """The Accounts tab's example rows, as a person would have typed them."""
    rows = []
    for company, domain, industry, employees, region, funding, stack, *days in _ACCOUNTS:
        row: dict[str, object] = dict(
            zip(ACCOUNT_COLUMNS[:7], (company, domain, industry, employees, region, funding, stack), strict=True)
        )
        for column, n in zip(ACCOUNT_COLUMNS[7:], days, strict=True):
            row[column] = _days(n)
        rows.append(row)
    return rows


def example_contacts() -> list[dict[str, object]]:
    """The Contacts tab's example rows."""
    rows = []
    for name, title, company, department, seniority in _CONTACTS:
        first, last = name.lower().replace("'", "").split(" ", 1)
        domain = next(a[1] for a in _ACCOUNTS if a[0] == company)
        email = f"{first}.{last.replace(' ', '')}@{domain}"
        row: dict[str, object] = dict(
            zip(CONTACT_COLUMNS, (name, title, company, department, seniority, email), strict=True)
        )
        rows.append(row)
    return rows
