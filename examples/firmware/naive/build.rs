use std::{env, fs, path::PathBuf};
fn main() {
    let out = PathBuf::from(env::var_os("OUT_DIR").unwrap());
    fs::copy("memory.x", out.join("memory.x")).unwrap();
    println!("cargo:rustc-link-search={}", out.display());
    println!("cargo:rerun-if-changed=memory.x");
    // microjwt copy: cortex-m-rt's linker script for the firmware image only (the probe is a
    // plain ELF for qemu-arm's user mode). Without it nothing is reachable and the image is empty.
    println!("cargo:rustc-link-arg-bin=naive-fw=-Tlink.x");
}
