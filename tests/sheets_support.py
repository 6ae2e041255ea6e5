"""What the Google Sheets tests share: the key of the fake spreadsheet the conftest fixtures serve."""

KEY = "shared-icp"
TITLE = "Shared ICP"
