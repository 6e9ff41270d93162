"""Every word the kiosk shows or prints: the one string table (`ui.words.strings`) and how
values read in each language (`ui.words.values`: Buddhist-era dates, amounts, badges)."""
