//! The directory in force for the running server: read by every resolution, replaced when the
//! office saves a new version (on the 名录 page or by the API), so later imports, corrections
//! and publishing resolve through it without a restart.

use std::sync::{Arc, RwLock};

use luoshi_directory::Directory;

#[derive(Debug, Clone)]
pub struct SharedDirectory {
    current: Arc<RwLock<Arc<Directory>>>,
    /// Held from reading the directory to replacing it, so two edits never overwrite each other.
    editing: Arc<tokio::sync::Mutex<()>>,
}

impl SharedDirectory {
    pub fn new(directory: Arc<Directory>) -> SharedDirectory {
        SharedDirectory {
            current: Arc::new(RwLock::new(directory)),
            editing: Arc::new(tokio::sync::Mutex::new(())),
        }
    }

    /// The directory in force now (a snapshot: a save made meanwhile is seen by the next call).
    pub fn current(&self) -> Arc<Directory> {
        // A writer cannot panic while holding the lock (it only swaps an Arc), so a poisoned
        // lock still holds a whole directory.
        match self.current.read() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// The turn to edit: hold it from reading [`SharedDirectory::current`] to [`SharedDirectory::replace`].
    pub async fn edit_turn(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.editing.lock().await
    }

    pub fn replace(&self, directory: Directory) {
        let next = Arc::new(directory);
        match self.current.write() {
            Ok(mut guard) => *guard = next,
            Err(poisoned) => *poisoned.into_inner() = next,
        }
    }
}
