//! Tests of the certificate machinery: PEM parsing, the SNI pick order,
//! real rustls handshakes, Secret updates and file reloads.

mod handshake;
mod parse;
mod pick;
mod reload;
mod secrets;
mod support;
