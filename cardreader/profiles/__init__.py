"""Virtual card profiles (JSON package data) and the tool that draws their photos."""
