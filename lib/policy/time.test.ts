import { describe, it, expect } from 'vitest';
import { evaluatePolicy, parsePolicy } from './index';
import { canonicalTimeZone, parseDays, parseInstant, parseTimeOfDay, timeOfDayIn } from './time';

const at = (criterion: string, iso: string) =>
  evaluatePolicy(parsePolicy(`allow:\n  and:\n    - ${criterion}\n`), { user: null, now: new Date(iso) }).allowed;

const officeHours = (zone: string) => `time_of_day: {timezone: ${zone}, after: "9:00", before: "17:00"}`;

describe('time_of_day', () => {
  // 16:30 UTC on Wednesday 15 January 2025.
  const winter = '2025-01-15T16:30:00Z';

  it.each([
    ['UTC', true], // 16:30
    ['America/New_York', true], // 11:30 EST
    ['Asia/Tokyo', false], // 01:30 the next day
    ['Asia/Kolkata', false], // 22:00 (UTC+5:30)
    ['Australia/Adelaide', false], // 03:00 (UTC+10:30, summer time)
    ['america/new_york', true], // zone names are not case sensitive
  ])('office hours in %s at 16:30 UTC → %s', (zone, expected) => {
    expect(at(officeHours(zone), winter)).toBe(expected);
  });

  it('follows daylight saving time', () => {
    const beforeNoon = 'time_of_day: {timezone: America/New_York, before: "12:00"}';
    expect(at(beforeNoon, '2025-01-15T16:30:00Z')).toBe(true); // 11:30 EST
    expect(at(beforeNoon, '2025-07-15T16:30:00Z')).toBe(false); // 12:30 EDT
    const afterThree = 'time_of_day: {timezone: America/New_York, after: "3:00"}';
    expect(at(afterThree, '2025-03-09T06:59:00Z')).toBe(false); // 01:59 EST
    expect(at(afterThree, '2025-03-09T07:30:00Z')).toBe(true); // 03:30 EDT, just after the jump
  });

  it('treats after > before as a window across midnight', () => {
    const night = 'time_of_day: {timezone: Europe/Paris, after: "22:00", before: "6:00"}';
    expect(at(night, '2025-01-15T22:30:00Z')).toBe(true); // 23:30 in Paris
    expect(at(night, '2025-01-15T04:00:00Z')).toBe(true); // 05:00
    expect(at(night, '2025-01-15T12:00:00Z')).toBe(false); // 13:00
  });

  it('includes "after" and excludes "before"', () => {
    expect(at('time_of_day: {timezone: UTC, after: 4:30PM}', '2025-01-15T16:30:00Z')).toBe(true);
    expect(at('time_of_day: {timezone: UTC, after: 4:30PM}', '2025-01-15T16:29:59Z')).toBe(false);
    expect(at('time_of_day: {timezone: UTC, before: "16:30"}', '2025-01-15T16:30:00Z')).toBe(false);
    expect(at('time_of_day: {timezone: UTC, before: "16:30"}', '2025-01-15T16:29:59.999Z')).toBe(true);
  });

  it('computes the local time of day', () => {
    const t = Date.parse('2025-01-15T16:30:15Z');
    expect(timeOfDayIn('Asia/Kolkata', t)).toBe((22 * 3600 + 15) * 1000);
    expect(timeOfDayIn('Asia/Tokyo', t)).toBe((1 * 3600 + 30 * 60 + 15) * 1000);
    expect(timeOfDayIn('America/Los_Angeles', Date.parse('1969-07-20T20:17:40Z'))).toBe(
      (13 * 3600 + 17 * 60 + 40) * 1000,
    );
    expect(canonicalTimeZone('europe/paris')).toBe('Europe/Paris');
    expect(canonicalTimeZone('Not/AZone')).toBeNull();
  });

  it.each([
    ['17:00', 17 * 3600_000],
    ['2:20:00', (2 * 3600 + 20 * 60) * 1000],
    ['15:04:05.999999999', (15 * 3600 + 4 * 60 + 5) * 1000 + 999],
    ['3:04 PM', (15 * 3600 + 4 * 60) * 1000],
    ['3:04PM', (15 * 3600 + 4 * 60) * 1000],
    ['3 PM', 15 * 3600_000],
    ['3pm', 15 * 3600_000],
    ['12 AM', 0],
    ['12PM', 12 * 3600_000],
    ['0:00', 0],
  ])('reads the time %s', (s, ms) => {
    expect(parseTimeOfDay(s)).toBe(ms);
  });

  it.each(['24:00', '9', '9:5', '13PM', '0 AM', '12:60', '9:00:60', 'noon', ''])('refuses the time %j', (s) => {
    expect(parseTimeOfDay(s)).toBeNull();
  });
});

describe('day_of_week (UTC)', () => {
  it.each([
    ['*', '2025-01-05T12:00:00Z', true], // Sunday
    ['mon-fri', '2025-01-06T00:00:00Z', true], // Monday
    ['mon-fri', '2025-01-11T12:00:00Z', false], // Saturday
    ['mon,wed', '2025-01-08T12:00:00Z', true], // Wednesday
    ['mon,wed', '2025-01-07T12:00:00Z', false], // Tuesday
    ['fri-mon', '2025-01-05T12:00:00Z', true], // Sunday, in a range across the week end
    ['fri-mon', '2025-01-08T12:00:00Z', false], // Wednesday
    ['Saturday-Sunday', '2025-01-11T12:00:00Z', true],
    ['mon-fri', '2025-01-05T23:30:00Z', false], // still Sunday in UTC, though Monday in Tokyo
    ['wed', '1969-12-31T12:00:00Z', true], // before the epoch
  ])('%s on %s → %s', (days, iso, expected) => {
    expect(at(`day_of_week: "${days}"`, iso)).toBe(expected);
  });

  it('parses days into a mask and refuses unknown ones', () => {
    expect(parseDays('sat-sun')).toEqual({ mask: 0b1000001, normalized: 'sat-sun' });
    expect(parseDays('mon-tue-wed')).toEqual({ error: 'bad day range "mon-tue-wed"' });
    expect(parseDays('mon,')).toHaveProperty('error');
    expect(parseDays('')).toHaveProperty('error');
  });
});

describe('date', () => {
  it('compares RFC 3339 instants, after included and before excluded', () => {
    const window = 'date: {after: "2025-03-01T00:00:00+01:00", before: "2025-04-01T00:00:00.500Z"}';
    expect(at(window, '2025-02-28T23:00:00Z')).toBe(true);
    expect(at(window, '2025-02-28T22:59:59.999Z')).toBe(false);
    expect(at(window, '2025-04-01T00:00:00.499Z')).toBe(true);
    expect(at(window, '2025-04-01T00:00:00.500Z')).toBe(false);
  });

  it.each([
    ['2025-01-02T16:20:00Z', Date.UTC(2025, 0, 2, 16, 20)],
    ['2025-01-02t16:20:00z', Date.UTC(2025, 0, 2, 16, 20)],
    ['2025-01-02 16:20:00.123456+02:00', Date.UTC(2025, 0, 2, 14, 20, 0, 123)],
    ['2024-02-29T00:00:00-05:30', Date.UTC(2024, 1, 29, 5, 30)],
    // Without an offset, as Pomerium reads it: UTC.
    ['2020-01-02T16:20:00', Date.UTC(2020, 0, 2, 16, 20)],
  ])('reads the instant %s', (s, ms) => {
    expect(parseInstant(s)).toBe(ms);
  });

  it.each([
    '2025-02-29T00:00:00Z',
    '2025-13-01T00:00:00Z',
    '2025-01-01T24:00:00Z',
    '2025-01-01T00:00:00+24:00',
    '2025-01-01',
    'tomorrow',
  ])('refuses the instant %j', (s) => {
    expect(parseInstant(s)).toBeNull();
  });
});
