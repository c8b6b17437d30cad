// The registration rules the server applies (registration/domain: Nik, RegionCode, ApplicantRules),
// checked before submit so a registrant on a slow connection learns of a typo at once. The server
// stays the authority: whatever it answers per field is shown next to that field too.

const PROVINCES = new Set([11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36, 51, 52, 53,
  61, 62, 63, 64, 65, 71, 72, 73, 74, 75, 76, 81, 82, 91, 92, 93, 94, 95, 96]);

function isDate(year, month, day) {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** Whether `iso` (YYYY-MM-DD) is a date that exists. */
export function isCalendarDate(iso) {
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || '');
  return Boolean(date) && isDate(Number(date[1]), Number(date[2]), Number(date[3]));
}

/** Message keys for what is wrong with a NIK alone (structure, region, date, serial); empty when fine. */
export function nikProblems(nik) {
  if (!/^\d{16}$/.test(nik)) return ['nikDigits'];
  if (!PROVINCES.has(Number(nik.slice(0, 2)))) return ['nikProvince'];
  if (nik.slice(2, 4) === '00' || nik.slice(4, 6) === '00') return ['nikRegion'];
  if (nik.endsWith('0000')) return ['nikSerial'];
  const encodedDay = Number(nik.slice(6, 8));
  if (!(encodedDay >= 1 && encodedDay <= 31) && !(encodedDay >= 41 && encodedDay <= 71)) return ['nikDay'];
  const day = encodedDay > 40 ? encodedDay - 40 : encodedDay;
  const month = Number(nik.slice(8, 10));
  const yy = Number(nik.slice(10, 12));
  if (!isDate(1900 + yy, month, day) && !isDate(2000 + yy, month, day)) return ['nikDate'];
  return [];
}

/** Message keys for a NIK that is well formed but disagrees with the declared birth date or sex. */
export function nikAgreement(nik, birthDate, sex) {
  const problems = [];
  const encodedDay = Number(nik.slice(6, 8));
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthDate || '');
  if (match) {
    const day = encodedDay > 40 ? encodedDay - 40 : encodedDay;
    if (day !== Number(match[3]) || nik.slice(8, 10) !== match[2] || nik.slice(10, 12) !== match[1].slice(2)) {
      problems.push('nikBirthDate');
    }
  }
  if (sex === 'F' || sex === 'M') {
    if ((encodedDay > 40 ? 'F' : 'M') !== sex) problems.push('nikSex');
  }
  return problems;
}

/** Every problem the page can see before submit, as {field: messageKey}. */
export function checkRegistration(form) {
  const errors = {};
  const required = ['nik', 'kkNumber', 'fullName', 'birthDate', 'sex', 'email', 'phone'];
  for (const field of required) {
    if (!form[field]) errors[field] = 'required';
  }
  if (form.nik) {
    const problems = nikProblems(form.nik);
    const agreement = problems.length ? [] : nikAgreement(form.nik, form.birthDate, form.sex);
    if (problems.length || agreement.length) errors.nik = [...problems, ...agreement][0];
  }
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(form.birthDate || '');
  if (form.birthDate && !(date && isDate(Number(date[1]), Number(date[2]), Number(date[3])))) {
    errors.birthDate = 'birthDateInvalid';
  }
  if (form.kkNumber && !/^\d{16}$/.test(form.kkNumber)) errors.kkNumber = 'kkDigits';
  if (form.email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(form.email)) errors.email = 'emailShape';
  if (form.phone && !/^(\+?62|0)8\d{8,11}$/.test(form.phone.replace(/[\s-]/g, ''))) errors.phone = 'phoneShape';
  if (!form.eligible) errors.eligible = 'eligibleRequired';
  return errors;
}
