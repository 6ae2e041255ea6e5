"""icp-sheets: an Ideal Customer Profile that scores accounts inside Excel and Google Sheets."""
