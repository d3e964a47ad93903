from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        # Anyone may sign up as a client; coaches and admins join by an admin's invitation.
        return True
