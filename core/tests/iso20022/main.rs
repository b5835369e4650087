//! ISO 20022 reading and writing against real sample files, hand-made fixtures and the schemas.

mod support;

mod creditor;
mod malformed;
mod pain002;
mod samples;
mod writer;
mod xml_forms;
