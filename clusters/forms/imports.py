"""Forms of the member import pages: they parse what the browser sends; the service
reads the file and decides what is wrong with it."""

from django import forms

__all__ = ["MemberImportForm"]


class MemberImportForm(forms.Form):
    file = forms.FileField(
        label="Member list (CSV)",
        required=False,  # the service words the message when no file comes
        help_text="CSV in UTF-8 or UTF-16, comma, semicolon or tab separated; "
        "at most 5 MB and 5,000 rows.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,text/csv,text/plain"}),
    )
    dry_run = forms.BooleanField(
        label="Check the file first (dry run): show what each row would do, change nothing yet",
        required=False,
        initial=True,
    )
