-- 0009: whole numbers in service forms.
--
-- A form's number field may say "integer": true, and the answer must then be
-- a whole number (a household of 2.5 people was accepted). The seeded
-- hardship assistance form counts people and whole yuan: mark both fields.
-- Only a form still as seeded is changed; one an administrator has edited is
-- theirs.

UPDATE service_items SET form =
  '[{"key":"household_size","label":"家庭人口","label_en":"People in the household","type":"number","required":true,"min":1,"max":20,"integer":true},{"key":"monthly_income_yuan","label":"家庭月收入（元）","label_en":"Household income a month (yuan)","type":"number","required":true,"min":0,"max":1000000,"integer":true},{"key":"reason","label":"困难原因","label_en":"What happened","type":"select","required":true,"options":["因病","因灾","因意外","其他"]},{"key":"description","label":"困难情况说明","label_en":"Describe the hardship","type":"textarea","required":true,"maxlength":1000},{"key":"phone","label":"联系电话","label_en":"Phone","type":"phone","required":true}]'
WHERE code = 'hardship_assistance' AND form =
  '[{"key":"household_size","label":"家庭人口","label_en":"People in the household","type":"number","required":true,"min":1,"max":20},{"key":"monthly_income_yuan","label":"家庭月收入（元）","label_en":"Household income a month (yuan)","type":"number","required":true,"min":0,"max":1000000},{"key":"reason","label":"困难原因","label_en":"What happened","type":"select","required":true,"options":["因病","因灾","因意外","其他"]},{"key":"description","label":"困难情况说明","label_en":"Describe the hardship","type":"textarea","required":true,"maxlength":1000},{"key":"phone","label":"联系电话","label_en":"Phone","type":"phone","required":true}]';
