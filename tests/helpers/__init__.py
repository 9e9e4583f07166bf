"""Test helpers shared by more than one exchange's tests."""
