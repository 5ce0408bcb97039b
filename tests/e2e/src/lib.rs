//! End-to-end tests of Passerelle with every process real. They arrive with
//! the end-to-end issue.
