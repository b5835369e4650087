//! Which of the main screens a user may open: the SPA's header shows exactly these. The Worker
//! enforces the same on every call (process overview and administration for System
//! Administrators, AutoPay for AutoPay Approvers and System Administrators); this mirrors it so
//! nobody is offered a screen that would only tell them they lack a role.

use crate::api::Me;
use crate::roles::Role;

/// A screen reached from the header's navigation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Screen {
    /// The task list and the bundle: every signed-in user (it lists what they may approve).
    Tasks,
    /// Every invoice process: System Administrators.
    ProcessOverview,
    /// Payment files and payments: AutoPay Approvers (in any company) and System Administrators.
    AutoPay,
    /// Companies, users, keys, readiness and sign-in events: System Administrators.
    Administration,
    /// The user's own details and two-step verification: every signed-in user.
    MyDetails,
}

impl Screen {
    /// In the order the navigation shows them.
    pub const ALL: [Screen; 5] = [
        Screen::Tasks,
        Screen::ProcessOverview,
        Screen::AutoPay,
        Screen::Administration,
        Screen::MyDetails,
    ];

    /// Whether `me` (the signed-in user; `None` when nobody is) may open the screen. A user who
    /// must first choose a new password may open nothing until they have.
    pub fn open_to(self, me: Option<&Me>) -> bool {
        let Some(me) = me.filter(|me| !me.must_change_password) else {
            return false;
        };
        match self {
            Screen::Tasks | Screen::MyDetails => true,
            Screen::ProcessOverview | Screen::Administration => me.is_system_admin,
            Screen::AutoPay => {
                me.is_system_admin
                    || me
                        .companies
                        .iter()
                        .any(|c| c.roles.contains(&Role::AutoPayApprover))
            }
        }
    }

    /// The screens `me` may open, in navigation order.
    pub fn open_to_user(me: Option<&Me>) -> Vec<Screen> {
        Screen::ALL.into_iter().filter(|s| s.open_to(me)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::MyCompany;

    fn user(is_system_admin: bool, roles: &[Role]) -> Me {
        Me {
            id: "u1".into(),
            name: "Ingrid".into(),
            email: "ingrid@example.com".into(),
            is_system_admin,
            must_change_password: false,
            two_step_active: true,
            recovery_codes_left: 10,
            may_replace_authenticator: false,
            passkeys: 0,
            locked_until: None,
            language: None,
            unread_notifications: 0,
            companies: if roles.is_empty() {
                Vec::new()
            } else {
                vec![MyCompany {
                    id: "c1".into(),
                    name: "Nordvik Handel AS".into(),
                    roles: roles.to_vec(),
                    approve_and_pay_ready: true,
                    missing: Vec::new(),
                }]
            },
        }
    }

    #[test]
    fn nobody_signed_in_may_open_no_screen() {
        assert_eq!(Screen::open_to_user(None), Vec::<Screen>::new());
    }

    #[test]
    fn a_user_who_must_change_the_password_may_open_no_screen_yet() {
        let mut me = user(true, &[Role::AutoPayApprover]);
        me.must_change_password = true;
        assert_eq!(Screen::open_to_user(Some(&me)), Vec::<Screen>::new());
    }

    #[test]
    fn a_user_without_roles_has_tasks_and_my_details_only() {
        let me = user(false, &[]);
        assert_eq!(
            Screen::open_to_user(Some(&me)),
            vec![Screen::Tasks, Screen::MyDetails]
        );
    }

    #[test]
    fn an_invoice_approver_has_no_autopay_process_overview_or_administration() {
        let me = user(false, &[Role::InvoiceApprover, Role::AutoPayAdministrator]);
        assert_eq!(
            Screen::open_to_user(Some(&me)),
            vec![Screen::Tasks, Screen::MyDetails]
        );
    }

    #[test]
    fn an_autopay_approver_has_autopay() {
        let me = user(false, &[Role::InvoiceApprover, Role::AutoPayApprover]);
        assert_eq!(
            Screen::open_to_user(Some(&me)),
            vec![Screen::Tasks, Screen::AutoPay, Screen::MyDetails]
        );
    }

    #[test]
    fn a_system_administrator_has_every_screen() {
        let me = user(true, &[]);
        assert_eq!(Screen::open_to_user(Some(&me)), Screen::ALL.to_vec());
    }
}
