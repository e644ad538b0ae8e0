//! The sign-in back-off on both backends: five failures in a row lock a (name, address) pair,
//! the count starts again when the lock runs out (so one attempt per window cannot hold it),
//! other addresses are never affected, and a new password lifts every back-off on the name.

mod common;

use common::stores;

#[tokio::test]
async fn failures_lock_a_pair_and_the_count_restarts_when_the_lock_runs_out() {
    for t in stores().await {
        let store = &t.store;
        let (name, here, there) = ("admin", "203.0.113.9", "198.51.100.7");
        for i in 1..=2 {
            let lock = store
                .count_login_failure(name, here, 3, 1)
                .await
                .expect("count");
            assert_eq!(lock, None, "{} failure {i}", t.url);
        }
        let lock = store
            .count_login_failure(name, here, 3, 1)
            .await
            .expect("count");
        assert!(lock.is_some(), "{}: the third failure locks", t.url);
        assert!(store.login_lock(name, here).await.expect("lock").is_some());
        assert_eq!(store.login_lock(name, there).await.expect("lock"), None);
        tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
        assert_eq!(store.login_lock(name, here).await.expect("lock"), None);
        // After the lock, one failure is one failure again, not the fourth in a row.
        let lock = store
            .count_login_failure(name, here, 3, 60)
            .await
            .expect("count");
        assert_eq!(lock, None, "{}: the count restarted", t.url);
        let locks = store.login_locks().await.expect("locks");
        assert_eq!(locks.len(), 1, "{}: {locks:?}", t.url);
        assert_eq!(locks[0].failures, 1);
        assert_eq!(
            store.clear_login_failures(name, None).await.expect("clear"),
            1
        );
        assert!(store.login_locks().await.expect("locks").is_empty());
    }
}
