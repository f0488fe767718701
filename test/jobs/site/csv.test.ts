import { describe, expect, it } from 'vitest';
import { csvCell, csvLine } from '../../../jobs/site/csv.ts';

describe('csvCell', () => {
  it.each([
    ['=1+1', "'=1+1"],
    ['+SUM(A1:A9)', "'+SUM(A1:A9)"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\t=1+1', "'\t=1+1"],
    ['\r=1+1', "\"'\r=1+1\""],
    ['=HYPERLINK("http://evil.example/","x")', `"'=HYPERLINK(""http://evil.example/"",""x"")"`],
  ])('neutralises text that a spreadsheet would run: %j', (text, cell) => {
    expect(csvCell(text)).toBe(cell);
  });

  it('writes numbers as they are, negative ones included, and plain text unquoted', () => {
    expect(csvLine([-0.05, 12, null, 'Đăng ký khai sinh', 'a,b'])).toBe('-0.05,12,,Đăng ký khai sinh,"a,b"\r\n');
  });
});
