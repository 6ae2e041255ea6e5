"""Headers the common prospecting and CRM exports use for the model's usual columns.

One table, read by the column matcher and printed into docs/reference.md by
tools/gen_docs.py. A built-in alias is used only for a model column of the
canonical name it belongs to (a model with an ``Employees`` column finds Apollo's
``# Employees``; a model column called ``Headcount`` needs its own ``Also called``).
Headers are compared ignoring case, spacing and punctuation, so ``NumberOfEmployees``
and ``Number of Employees`` are one entry's business.
"""

from __future__ import annotations

from icp_sheets.core.formats import column_key

APOLLO = "Apollo"
HUBSPOT = "HubSpot"
SALESFORCE = "Salesforce"
ZOOMINFO = "ZoomInfo"
CRUNCHBASE = "Crunchbase"
LINKEDIN = "LinkedIn Sales Navigator"

# canonical model column -> (export header, the exports that write it)
VENDOR_ALIASES: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "Employees": (
        ("# Employees", (APOLLO,)),
        ("Number of Employees", (HUBSPOT, CRUNCHBASE)),
        ("NumberOfEmployees", (SALESFORCE,)),
        ("Employees", (ZOOMINFO,)),
        ("Employee Range", (ZOOMINFO,)),
        ("Company size", (LINKEDIN,)),
    ),
    "Industry": (
        ("Industry", (APOLLO, HUBSPOT, SALESFORCE, LINKEDIN)),
        ("Primary Industry", (ZOOMINFO,)),
        ("Industries", (CRUNCHBASE,)),
    ),
    "Revenue": (
        ("Annual Revenue", (APOLLO, HUBSPOT)),
        ("AnnualRevenue", (SALESFORCE,)),
        ("Revenue Range (in USD)", (ZOOMINFO,)),
        ("Estimated Revenue Range", (CRUNCHBASE,)),
    ),
    "Country": (
        ("Company Country", (APOLLO,)),
        ("Country/Region", (HUBSPOT,)),
        ("BillingCountry", (SALESFORCE,)),
    ),
    "Tech stack": (("Technologies", (APOLLO,)),),
    "Funding stage": (("Last Funding Type", (CRUNCHBASE,)),),
    "Last funding date": (("Last Funding Date", (CRUNCHBASE,)),),
    "Total funding": (("Total Funding", (APOLLO,)),),
    "Founded year": (("Founded Year", (APOLLO,)),),
    "Create date": (("Create Date", (HUBSPOT,)),),
}


def vendor_headers(column: str) -> tuple[str, ...]:
    """The exports' names for a canonical column other than the name itself, for the template's
    Columns tab to show what is already understood."""
    own = column_key(column)
    entries = next((e for c, e in VENDOR_ALIASES.items() if column_key(c) == own), ())
    return tuple(header for header, _ in entries if header.casefold() != column.casefold())


def vendor_table() -> list[tuple[str, str, str]]:
    """(model column, export header, exports) rows, for the reference page."""
    return [
        (column, header, ", ".join(vendors))
        for column, entries in VENDOR_ALIASES.items()
        for header, vendors in entries
    ]
