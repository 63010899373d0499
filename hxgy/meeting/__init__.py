"""The meeting screen (会议投屏): slides of class-level aggregates, and the same slides as a PowerPoint pack."""
