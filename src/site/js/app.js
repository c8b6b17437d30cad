// The reference registration page: current wave, registration, KTP photo, email code, status, and
// the way back to a registration with a code mailed to it. State that must survive a reload (the
// pending attempt's Idempotency-Key, the registration's token) lives in sessionStorage only: it
// ends with the tab and never enters a URL. The NIK and birth date of a way back stay in memory.
import { config } from '../config.js';
import { ApiError, Unreachable, createApi } from './api.js';
import { formatInstant, formatNumber, has, t, toggleLanguage, translatePage } from './i18n.js';
import { preparePhoto, upload } from './photo.js';
import { checkRegistration, isCalendarDate, nikAgreement, nikProblems } from './rules.js';

const $ = (selector) => document.querySelector(selector);
const ATTEMPT = 'gelombang.attempt';
const REGISTRATION = 'gelombang.registration';
const FIELDS = ['nik', 'kkNumber', 'fullName', 'birthDate', 'sex', 'email', 'phone', 'eligible'];
const STEPS = ['form', 'photo', 'email', 'status', 'withdrawn', 'access'];
const NUMBERED = ['form', 'photo', 'email', 'status'];

const api = createApi({ base: config.apiBase, onRetry: (seconds) => announce(t('retrying', { seconds })) });
let wave = null;

function announce(message) {
  // Cleared first so that the same message twice is read out twice.
  $('#announcer').textContent = '';
  requestAnimationFrame(() => { $('#announcer').textContent = message; });
}

function stored(name) {
  return JSON.parse(sessionStorage.getItem(name) || 'null');
}

function store(name, value) {
  if (value === null) sessionStorage.removeItem(name);
  else sessionStorage.setItem(name, JSON.stringify(value));
}

/** What an error means to the registrant, in their language. */
function explain(error) {
  if (error instanceof Unreachable) return t('gaveUp');
  if (error instanceof ApiError && has(`problem.${error.kind}`)) return t(`problem.${error.kind}`);
  if (error instanceof ApiError && error.problem.detail) return error.problem.detail;
  return t('unexpected');
}

function showStep(step) {
  for (const name of STEPS) {
    $(`#step-${name}`).hidden = name !== step;
  }
  $('.steps').hidden = step === 'access';
  for (const item of document.querySelectorAll('.steps li')) {
    const index = NUMBERED.indexOf(item.dataset.step);
    item.classList.toggle('done', step === 'withdrawn' || index < NUMBERED.indexOf(step));
    if (item.dataset.step === step) item.setAttribute('aria-current', 'step');
    else item.removeAttribute('aria-current');
  }
  showEntry(step);
  $(`#step-${step} h2`).focus();
}

/** "Already registered?" is offered whenever this tab holds no registration. */
function showEntry(step) {
  $('#returning').hidden = step === 'access' || stored(REGISTRATION) !== null;
}

// ------------------------------------------------------------------ wave

async function loadWave() {
  try {
    ({ data: wave } = await api.call('GET', '/v1/waves/current'));
  } catch (error) {
    wave = null;
    $('#wave-loading').hidden = true;
    $('#wave-message').hidden = false;
    $('#wave-message').textContent = error instanceof ApiError && error.status === 404 ? t('noWave') : explain(error);
    return;
  }
  const draw = wave.selection === 'DRAW';
  $('#wave-loading').hidden = true;
  $('#wave-details').hidden = false;
  $('#wave-code').textContent = wave.code;
  $('#wave-status').textContent = t(`wave.${wave.status}`);
  $('#wave-opens').textContent = formatInstant(wave.opensAt);
  $('#wave-closes').textContent = formatInstant(wave.closesAt);
  $('#wave-quota').textContent = draw ? t('waveQuotaDraw', { quota: formatNumber(wave.quota) }) : formatNumber(wave.quota);
  $('#wave-remaining').textContent = draw || wave.remaining == null ? t('waveRemainingDraw') : formatNumber(wave.remaining);
  $('#wave-draw').hidden = !draw;
  $('#wave-commitment').textContent = wave.drawCommitment || '';
  $('#wave-message').hidden = wave.status === 'OPEN';
  $('#wave-message').textContent = wave.status === 'OPEN' ? '' : t('waveNotOpen');
}

// ------------------------------------------------------------------ registration form

/** YYYY-MM-DD from the three date fields, or '' while any is empty. */
function isoDate(year, month, day) {
  const [y, m, d] = [year, month, day].map((part) => part.trim());
  if (!y || !m || !d) return '';
  return `${y.padStart(4, '0')}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
}

function readForm() {
  const form = $('#registration-form');
  return {
    nik: form.nik.value.trim(),
    kkNumber: form.kkNumber.value.trim(),
    fullName: form.fullName.value.trim(),
    birthDate: isoDate(form.birthYear.value, form.birthMonth.value, form.birthDay.value),
    sex: form.querySelector('input[name="sex"]:checked')?.value || '',
    email: form.email.value.trim(),
    phone: form.phone.value.replace(/[\s-]/g, ''),
    eligible: form.eligible.checked,
  };
}

function setFieldError(field, message) {
  const error = $(`#${field}-error`);
  const inputs = {
    sex: document.querySelectorAll('input[name="sex"]'),
    birthDate: [$('#birthDay'), $('#birthMonth'), $('#birthYear')],
  }[field] || [$(`#${field}`)];
  error.textContent = message || '';
  for (const input of inputs) {
    if (message) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
  }
}

function clearFormErrors() {
  FIELDS.forEach((field) => setFieldError(field, ''));
  $('#form-error').textContent = '';
}

function focusFirstInvalid() {
  const first = document.querySelector('#registration-form [aria-invalid="true"]');
  if (first) first.focus();
}

/** The attempt for this body: the same Idempotency-Key as before for the same body, else a new one. */
function attemptFor(body) {
  const previous = stored(ATTEMPT);
  if (previous && JSON.stringify(previous.body) === JSON.stringify(body)) return previous;
  const attempt = { key: crypto.randomUUID(), body };
  store(ATTEMPT, attempt);
  return attempt;
}

async function submitAttempt(attempt) {
  const button = $('#register-button');
  button.disabled = true;
  announce(t('registering'));
  try {
    const { data } = await api.call('POST', '/v1/registrations',
      { body: attempt.body, idempotencyKey: attempt.key, retry: true });
    store(REGISTRATION, { id: data.id, token: data.registrationToken });
    store(ATTEMPT, null);
    showStep('photo');
  } catch (error) {
    if (error instanceof ApiError && error.status === 400 && Array.isArray(error.problem.errors)) {
      for (const { field, message } of error.problem.errors) {
        if (FIELDS.includes(field)) setFieldError(field, message);
        else $('#form-error').textContent = message;
      }
      $('#form-error').textContent ||= t('fixFields');
      focusFirstInvalid();
    } else {
      $('#form-error').textContent = explain(error);
    }
    // A final answer ends the attempt; an unreachable server keeps it, so a retry reuses the key.
    if (!(error instanceof Unreachable)) store(ATTEMPT, null);
  } finally {
    button.disabled = false;
  }
}

async function register(event) {
  event.preventDefault();
  clearFormErrors();
  const values = readForm();
  const problems = checkRegistration(values);
  if (Object.keys(problems).length) {
    for (const [field, key] of Object.entries(problems)) setFieldError(field, t(key));
    $('#form-error').textContent = t('fixFields');
    focusFirstInvalid();
    return;
  }
  const { eligible, ...applicant } = values;
  await submitAttempt(attemptFor({ ...applicant, waveCode: wave.code }));
}

// ------------------------------------------------------------------ KTP photo

function showProgress(fraction) {
  const percent = Math.round(fraction * 100);
  $('#upload-progress').value = percent;
  $('#upload-percent').textContent = `${percent}%`;
}

async function uploadPhoto(event) {
  const input = event.target;
  const file = input.files[0];
  if (!file) return;
  const { id, token } = stored(REGISTRATION);
  $('#photo-error').textContent = '';
  $('#upload').hidden = false;
  $('#ktp-camera').disabled = true;
  $('#ktp-file').disabled = true;
  showProgress(0);
  announce(t('preparing'));
  try {
    const photo = await preparePhoto(file);
    let status = 0;
    for (let tries = 1; tries <= 3 && !(status >= 200 && status < 300); tries++) {
      // A fresh URL for each try: the previous one may have expired while the phone was offline.
      const { data: url } = await api.call('POST', `/v1/registrations/${id}/ktp/upload-url`, {
        token, retry: true,
        body: { contentType: photo.contentType, contentLength: photo.contentLength, checksumSha256: photo.checksumSha256 },
      });
      announce(t('uploading'));
      status = await upload(url.uploadUrl, url.headers, photo.blob, showProgress).catch(() => 0);
    }
    if (!(status >= 200 && status < 300)) throw new Unreachable();
    announce(t('uploaded'));
    await api.call('POST', `/v1/registrations/${id}/ktp/confirm`, { token, retry: true });
    announce(t('photoReceived'));
    await enterEmailStep();
  } catch (error) {
    $('#photo-error').textContent = explain(error);
    $('#upload').hidden = true;
  } finally {
    $('#ktp-camera').disabled = false;
    $('#ktp-file').disabled = false;
    input.value = '';
  }
}

// ------------------------------------------------------------------ email code

async function enterEmailStep() {
  const { id, token } = stored(REGISTRATION);
  const { data } = await api.call('GET', `/v1/registrations/${id}`, { token });
  if (data.email.verified && data.email.deliverable !== false) {
    await showStatus();
    return;
  }
  showEmailAddress(data);
  showStep('email');
}

function showEmailAddress(data) {
  $('#email-address').textContent = data.email.address;
  // Mail to the address bounced or was reported as spam: a new code needs a corrected address.
  $('#email-undeliverable').hidden = data.email.deliverable !== false;
  $('#resend-button').hidden = data.email.deliverable === false;
}

/** The masked form the API shows an address in ("s***@example.com"). */
function masked(address) {
  const at = address.lastIndexOf('@');
  return `${address.charAt(0)}***${address.substring(at).toLowerCase()}`;
}

async function changeAddress(event) {
  event.preventDefault();
  const { id, token } = stored(REGISTRATION);
  const address = $('#new-email').value.trim();
  $('#address-form-error').textContent = '';
  const valid = /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(address);
  setFieldError('new-email', valid ? '' : t('emailShape'));
  if (!valid) {
    $('#new-email').focus();
    return;
  }
  let data;
  try {
    ({ data } = await api.call('PUT', `/v1/registrations/${id}/email`, { token, body: { address }, retry: true }));
  } catch (error) {
    // A retry after a lost answer is refused (a code a minute): the registration tells whether it worked.
    ({ data } = await api.call('GET', `/v1/registrations/${id}`, { token }).catch(() => ({ data: null })));
    if (!(data && data.email.deliverable && !data.email.verified && data.email.address === masked(address))) {
      if (error instanceof ApiError && error.status === 400 && Array.isArray(error.problem.errors)) {
        setFieldError('new-email', error.problem.errors.map((e) => e.message).join(' '));
        $('#new-email').focus();
      } else {
        $('#address-form-error').textContent = explain(error);
      }
      return;
    }
  }
  $('#new-email').value = '';
  showEmailAddress(data);
  announce(t('emailChanged'));
  $('#email-code').focus();
}

async function verifyEmail(event) {
  event.preventDefault();
  const { id, token } = stored(REGISTRATION);
  const code = $('#email-code').value.trim();
  $('#email-form-error').textContent = '';
  setFieldError('email-code', /^\d{6}$/.test(code) ? '' : t('codeShape'));
  if (!/^\d{6}$/.test(code)) {
    $('#email-code').focus();
    return;
  }
  try {
    await api.call('POST', `/v1/registrations/${id}/email/verify`, { token, body: { code }, retry: true });
  } catch (error) {
    // A retry after a lost answer finds the code used: the registration tells whether it worked.
    const { data } = await api.call('GET', `/v1/registrations/${id}`, { token }).catch(() => ({ data: null }));
    if (!data?.email.verified) {
      $('#email-form-error').textContent = explain(error);
      return;
    }
  }
  announce(t('emailVerified'));
  await showStatus();
}

async function resendCode() {
  const { id, token } = stored(REGISTRATION);
  $('#email-form-error').textContent = '';
  try {
    await api.call('POST', `/v1/registrations/${id}/email/resend`, { token, retry: true });
    announce(t('resent'));
  } catch (error) {
    $('#email-form-error').textContent = explain(error);
  }
}

// ------------------------------------------------------------------ status

async function showStatus() {
  const { id, token } = stored(REGISTRATION);
  const { data } = await api.call('GET', `/v1/registrations/${id}`, { token });
  // What is left to do, while the registration can still go on.
  const going = data.status === 'REGISTERED';
  $('#continue-photo').hidden = !(going && data.ktp.status !== 'RECEIVED');
  $('#continue-email').hidden = !(going && !data.email.verified);
  $('#status-registration').textContent = t(`registration.${data.status}`);
  $('#status-wave').textContent = data.waveCode;
  $('#status-nik').textContent = data.nikMasked;
  const emailState = data.email.deliverable === false ? t('undeliverable') : (data.email.verified ? t('verified') : t('notVerified'));
  $('#status-email').textContent = `${data.email.address} (${emailState})`;
  $('#status-email-undeliverable').hidden = data.email.deliverable !== false;
  $('#status-ktp').textContent = t(`ktp.${data.ktp.status}`) + (data.ktp.reason ? ` (${data.ktp.reason})` : '');
  $('#status-nik-check').textContent = t(`nik.${data.nikVerification.status}`);
  $('#status-selection').textContent = data.selection
    ? `${t(`registration.${data.selection.status}`)} (rank ${data.selection.rank})` : t('selection.none');
  showStep('status');
}

async function withdraw() {
  const { id, token } = stored(REGISTRATION);
  $('#status-error').textContent = '';
  try {
    // DELETE is idempotent (a repeat answers 204 again), so a lost answer is simply retried.
    await api.call('DELETE', `/v1/registrations/${id}`, { token, retry: true });
  } catch (error) {
    if (!(error instanceof ApiError && error.kind === 'withdrawn')) {
      $('#status-error').textContent = explain(error);
      return;
    }
  }
  store(REGISTRATION, null);
  showStep('withdrawn');
}

function signOut() {
  store(REGISTRATION, null);
  announce(t('signedOut'));
  landing();
}

/** The page for a tab without a registration: the form while a wave is open, and the way back. */
function landing() {
  if (wave?.status === 'OPEN') {
    showStep('form');
    return;
  }
  for (const name of STEPS) $(`#step-${name}`).hidden = true;
  $('.steps').hidden = true;
  showEntry(null);
}

// ------------------------------------------------------------------ coming back later

// The NIK and birth date a code was asked for, until it is used: in memory only, never stored.
let accessClaim = null;
const ACCESS_FIELDS = { nik: 'access-nik', birthDate: 'access-birthDate', code: 'access-code' };

function showAccess(signedOut = false) {
  $('#access-signed-out').hidden = !signedOut;
  $('#access-request-form').hidden = false;
  $('#access-code-form').hidden = true;
  showStep('access');
}

function setAccessError(field, message) {
  const inputs = field === 'access-birthDate'
    ? [$('#access-birthDay'), $('#access-birthMonth'), $('#access-birthYear')] : [$(`#${field}`)];
  $(`#${field}-error`).textContent = message || '';
  for (const input of inputs) {
    if (message) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
  }
}

function clearAccessErrors() {
  Object.values(ACCESS_FIELDS).forEach((field) => setAccessError(field, ''));
  $('#access-request-error').textContent = '';
  $('#access-code-form-error').textContent = '';
}

/** Message keys of what the page can see is wrong with a NIK and birth date, by field. */
function accessProblems({ nik, birthDate }) {
  const problems = {};
  if (!nik) problems['access-nik'] = 'required';
  else if (nikProblems(nik).length) [problems['access-nik']] = nikProblems(nik);
  if (!birthDate) problems['access-birthDate'] = 'required';
  else if (!isCalendarDate(birthDate)) problems['access-birthDate'] = 'birthDateInvalid';
  if (!Object.keys(problems).length && nikAgreement(nik, birthDate, '').length) problems['access-nik'] = 'nikBirthDate';
  return problems;
}

/** Shows the server's per-field errors next to the access fields; true when there were any. */
function showServerFieldErrors(error) {
  if (!(error instanceof ApiError && error.status === 400 && Array.isArray(error.problem.errors))) return false;
  for (const { field, message } of error.problem.errors) {
    if (ACCESS_FIELDS[field]) setAccessError(ACCESS_FIELDS[field], message);
  }
  document.querySelector('#step-access [aria-invalid="true"]')?.focus();
  return true;
}

async function requestAccessCode(event) {
  event.preventDefault();
  clearAccessErrors();
  const form = $('#access-request-form');
  const claim = {
    nik: form.nik.value.trim(),
    birthDate: isoDate(form.birthYear.value, form.birthMonth.value, form.birthDay.value),
  };
  const problems = accessProblems(claim);
  if (Object.keys(problems).length) {
    for (const [field, key] of Object.entries(problems)) setAccessError(field, t(key));
    document.querySelector('#access-request-form [aria-invalid="true"]').focus();
    return;
  }
  if (await sendAccessCode(claim, $('#access-send-button'), $('#access-request-error'))) {
    accessClaim = claim;
    $('#access-request-form').hidden = true;
    $('#access-code-form').hidden = false;
    $('#access-code').value = '';
    $('#access-code').focus();
  }
}

/** Asks for a code; the answer is the same whether or not a registration matches. True when asked. */
async function sendAccessCode(claim, button, errorLine) {
  button.disabled = true;
  announce(t('accessSending'));
  try {
    // One key per request, kept across its retries: a retried request mails no second code.
    await api.call('POST', '/v1/registrations/access-codes',
      { body: claim, idempotencyKey: crypto.randomUUID(), retry: true });
    announce(t('accessSent'));
    return true;
  } catch (error) {
    if (!showServerFieldErrors(error)) errorLine.textContent = explain(error);
    return false;
  } finally {
    button.disabled = false;
  }
}

async function openWithCode(event) {
  event.preventDefault();
  clearAccessErrors();
  const code = $('#access-code').value.trim();
  if (!/^\d{6}$/.test(code)) {
    setAccessError('access-code', t('codeShape'));
    $('#access-code').focus();
    return;
  }
  const button = $('#access-open-button');
  button.disabled = true;
  try {
    const { data } = await api.call('POST', '/v1/registrations/access', { body: { ...accessClaim, code }, retry: true });
    store(REGISTRATION, { id: data.id, token: data.registrationToken });
    accessClaim = null;
    $('#access-request-form').reset();
    $('#access-code-form').reset();
    announce(t('accessOpened'));
    await showStatus();
  } catch (error) {
    if (error instanceof ApiError && error.kind === 'invalid-access-code') {
      setAccessError('access-code', t('problem.invalid-access-code'));
      $('#access-code').focus();
    } else if (!showServerFieldErrors(error)) {
      $('#access-code-form-error').textContent = explain(error);
    }
  } finally {
    button.disabled = false;
  }
}

async function askAgain() {
  clearAccessErrors();
  const button = $('#access-again-button');
  if (await sendAccessCode(accessClaim, button, $('#access-code-form-error'))) {
    announce(t('accessAgainSent'));
    // A NIK gets at most one code a minute: the button waits as long.
    button.disabled = true;
    setTimeout(() => { button.disabled = false; }, 60_000);
  }
}

function changeClaim() {
  clearAccessErrors();
  $('#access-code-form').hidden = true;
  $('#access-request-form').hidden = false;
  $('#access-nik').focus();
}

/** Where a registrant who reloads the page carries on. */
async function resume() {
  const registration = stored(REGISTRATION);
  if (registration) {
    let data;
    try {
      ({ data } = await api.call('GET', `/v1/registrations/${registration.id}`, { token: registration.token }));
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        // A newer code opened the registration elsewhere, which ends every earlier token.
        store(REGISTRATION, null);
        showAccess(true);
        return;
      }
      if (!(error instanceof ApiError && error.kind === 'withdrawn')) throw error;
      store(REGISTRATION, null);
      showStep('withdrawn');
      return;
    }
    if (data.ktp.status !== 'RECEIVED') showStep('photo');
    else if (!data.email.verified || data.email.deliverable === false) await enterEmailStep();
    else await showStatus();
    return;
  }
  landing();
  if (wave?.status !== 'OPEN') return;
  const attempt = stored(ATTEMPT);
  if (attempt) {
    // The page was reloaded while a registration was on its way: finish it with the same key.
    await submitAttempt(attempt);
  }
}

async function start() {
  translatePage();
  $('#language-toggle').addEventListener('click', () => {
    toggleLanguage();
    $('#language-toggle').textContent = document.documentElement.lang === 'id' ? 'English' : 'Bahasa Indonesia';
    $('#language-toggle').setAttribute('aria-pressed', String(document.documentElement.lang === 'en'));
    if (wave) loadWave();
  });
  $('#language-toggle').textContent = document.documentElement.lang === 'id' ? 'English' : 'Bahasa Indonesia';
  $('#registration-form').addEventListener('submit', register);
  $('#ktp-camera').addEventListener('change', uploadPhoto);
  $('#ktp-file').addEventListener('change', uploadPhoto);
  $('#email-form').addEventListener('submit', verifyEmail);
  $('#resend-button').addEventListener('click', resendCode);
  $('#address-form').addEventListener('submit', changeAddress);
  $('#fix-email-button').addEventListener('click', () => enterEmailStep().catch((error) => announce(explain(error))));
  $('#refresh-button').addEventListener('click', () => showStatus().catch((error) => announce(explain(error))));
  $('#withdraw-button').addEventListener('click', () => {
    const open = $('#withdraw-confirm').hidden;
    $('#withdraw-confirm').hidden = !open;
    $('#withdraw-button').setAttribute('aria-expanded', String(open));
    if (open) $('#withdraw-confirm-button').focus();
  });
  $('#withdraw-confirm-button').addEventListener('click', withdraw);
  $('#continue-photo').addEventListener('click', () => showStep('photo'));
  $('#continue-email').addEventListener('click', () => enterEmailStep().catch((error) => announce(explain(error))));
  $('#sign-out-button').addEventListener('click', signOut);
  $('#access-entry').addEventListener('click', () => showAccess());
  $('#access-request-form').addEventListener('submit', requestAccessCode);
  $('#access-code-form').addEventListener('submit', openWithCode);
  $('#access-again-button').addEventListener('click', askAgain);
  $('#access-change-button').addEventListener('click', changeClaim);
  $('#access-back-button').addEventListener('click', () => {
    clearAccessErrors();
    landing();
    if (wave?.status !== 'OPEN') $('#access-entry').focus();
  });
  await loadWave();
  await resume().catch((error) => announce(explain(error)));
}

start();
