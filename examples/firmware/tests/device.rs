//! The device's decisions, checked on the host (`cargo test` in examples/firmware).

use microjwt::{ClaimsError, Error, HmacKey};
use microjwt_firmware::{
    Action, Alg, Cmd, DEVICE_ID, Device, Envelope, ISSUER, MAX_TOKEN_LEN, REPLAY_SLOTS,
    SCRATCH_LEN, issue,
};

const NOW: u64 = 1_800_000_000;

fn envelope(jti: &str, iat: u64, exp: u64) -> Envelope<'_> {
    Envelope {
        cmd: Cmd::OpenValve,
        valve: 3,
        jti,
        iss: ISSUER,
        aud: DEVICE_ID,
        iat,
        exp,
    }
}

fn decide(device: &mut Device, token: &str, now: Option<u64>) -> Result<Action, Error> {
    let mut scratch = [0u8; SCRATCH_LEN];
    device.handle(token, now, &mut scratch)
}

#[test]
fn the_token_baked_into_the_freestanding_image_is_accepted() {
    let mut device = Device::new().unwrap();
    let token = if cfg!(feature = "hs512") {
        include_str!("../tokens/hs512.jwt")
    } else {
        include_str!("../tokens/hs256.jwt")
    };
    let token = token.trim_ascii_end();
    assert_eq!(
        decide(&mut device, token, Some(NOW)),
        Ok(Action::OpenValve(3))
    );
    assert!(token.len() <= MAX_TOKEN_LEN);
}

#[test]
fn a_fresh_command_is_obeyed_and_bad_ones_are_refused() {
    let mut device = Device::new().unwrap();
    let mut buf = [0u8; MAX_TOKEN_LEN];
    let token = issue(device.key(), &envelope("c-1", NOW - 5, NOW + 60), &mut buf)
        .unwrap()
        .to_owned();
    assert_eq!(decide(&mut device, &token, None), Err(Error::TimeUnknown));
    assert_eq!(
        decide(&mut device, &token, Some(NOW)),
        Ok(Action::OpenValve(3))
    );
    assert_eq!(
        decide(&mut device, &token, Some(NOW + 1)),
        Err(Error::Replayed)
    );
    assert_eq!(
        decide(&mut device, &token, Some(NOW + 60)),
        Err(Error::Expired {
            exp: NOW + 60,
            now: NOW + 60
        })
    );

    let mut tampered = token.into_bytes();
    let mid = tampered.len() / 2;
    tampered[mid] = if tampered[mid] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).unwrap();
    assert_eq!(
        decide(&mut device, &tampered, Some(NOW)),
        Err(Error::InvalidSignature)
    );

    let rogue = HmacKey::<Alg>::new(&[0x42; 64][..microjwt_firmware::KEY.len()]).unwrap();
    let forged = issue(&rogue, &envelope("c-2", NOW - 5, NOW + 60), &mut buf).unwrap();
    assert_eq!(
        decide(&mut device, forged, Some(NOW)),
        Err(Error::InvalidSignature)
    );

    let mut other = envelope("c-3", NOW - 5, NOW + 60);
    other.aud = "device-18";
    let other = issue(device.key(), &other, &mut buf).unwrap();
    assert_eq!(
        decide(&mut device, other, Some(NOW)),
        Err(Error::AudienceMismatch)
    );

    let stale = issue(
        device.key(),
        &envelope("c-4", 1_700_000_000, NOW + 60),
        &mut buf,
    )
    .unwrap();
    assert!(matches!(
        decide(&mut device, stale, Some(NOW)),
        Err(Error::IssuedBeforeCutoff { .. })
    ));
}

#[test]
fn an_unknown_command_is_refused() {
    #[derive(serde::Serialize)]
    struct Odd<'a> {
        cmd: &'a str,
        valve: u8,
        jti: &'a str,
        iss: &'a str,
        aud: &'a str,
        iat: u64,
        exp: u64,
    }
    let mut device = Device::new().unwrap();
    let mut buf = [0u8; MAX_TOKEN_LEN];
    let odd = Odd {
        cmd: "self-destruct",
        valve: 3,
        jti: "c-5",
        iss: ISSUER,
        aud: DEVICE_ID,
        iat: NOW,
        exp: NOW + 60,
    };
    let token = microjwt::sign(device.key(), &odd, &mut buf).unwrap();
    assert_eq!(
        decide(&mut device, token, Some(NOW)),
        Err(Error::Claims(ClaimsError::UnknownVariant))
    );
}

#[test]
fn a_command_without_jti_is_refused() {
    #[derive(serde::Serialize)]
    struct NoJti<'a> {
        cmd: Cmd,
        valve: u8,
        iss: &'a str,
        aud: &'a str,
        iat: u64,
        exp: u64,
    }
    let mut device = Device::new().unwrap();
    let mut buf = [0u8; MAX_TOKEN_LEN];
    let claims = NoJti {
        cmd: Cmd::CloseValve,
        valve: 1,
        iss: ISSUER,
        aud: DEVICE_ID,
        iat: NOW,
        exp: NOW + 60,
    };
    let token = microjwt::sign(device.key(), &claims, &mut buf).unwrap();
    assert_eq!(
        decide(&mut device, token, Some(NOW)),
        Err(Error::MissingClaim(microjwt::Claim::Jti))
    );
}

#[test]
fn each_command_is_obeyed_once_and_a_full_guard_fails_closed() {
    let mut device = Device::new().unwrap();
    let mut buf = [0u8; MAX_TOKEN_LEN];
    let ids: Vec<String> = (0..=REPLAY_SLOTS).map(|i| format!("c-{i}")).collect();
    let tokens: Vec<String> = ids
        .iter()
        .map(|jti| {
            issue(device.key(), &envelope(jti, NOW, NOW + 60), &mut buf)
                .unwrap()
                .to_owned()
        })
        .collect();
    for token in &tokens[..REPLAY_SLOTS] {
        assert_eq!(
            decide(&mut device, token, Some(NOW)),
            Ok(Action::OpenValve(3))
        );
        assert_eq!(decide(&mut device, token, Some(NOW)), Err(Error::Replayed));
    }
    // Every slot holds a live command: refuse rather than forget one.
    assert_eq!(
        decide(&mut device, &tokens[REPLAY_SLOTS], Some(NOW)),
        Err(Error::ReplayCacheFull)
    );
    // Once those have expired, their slots are free again.
    let late = issue(
        device.key(),
        &envelope("c-late", NOW + 60, NOW + 120),
        &mut buf,
    )
    .unwrap();
    assert_eq!(
        decide(&mut device, late, Some(NOW + 60)),
        Ok(Action::OpenValve(3))
    );
}
