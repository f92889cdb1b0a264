-- 0008: online service applications (一网通办).
--
-- A catalogue of services administrators define: a guide, the materials to
-- bring, the application form as a list of typed fields (JSON, checked by the
-- server), the level of the unit that handles it (the applicant's community,
-- street or the district) and a time limit in working days. Residents apply
-- with the form and photos of their materials; each step of the handling is
-- an append-only event and a message to the resident. The answers may hold
-- personal data (an ID number, income): they are stored encrypted like
-- residents' phone numbers, with the same key.

CREATE TABLE service_items (
	id {{id}},
	code TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	name_en TEXT NOT NULL DEFAULT '',
	guide TEXT NOT NULL DEFAULT '',
	materials TEXT NOT NULL DEFAULT '[]',   -- [{"name": "...", "required": true}, ...]
	form TEXT NOT NULL DEFAULT '[]',        -- [{"key", "label", "type", "required", ...}, ...]
	handling_level TEXT NOT NULL CHECK (handling_level IN ('community', 'street', 'district')),
	time_limit_days INTEGER NOT NULL CHECK (time_limit_days > 0),  -- working days
	active INTEGER NOT NULL DEFAULT 1,
	sort INTEGER NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);

CREATE TABLE service_applications (
	id {{id}},
	item_id BIGINT NOT NULL REFERENCES service_items(id),
	account_id BIGINT NOT NULL REFERENCES accounts(id),  -- the applicant
	resident_id BIGINT REFERENCES residents(id),
	unit_path {{ctext}} NOT NULL,            -- the applicant's place
	handler_unit_id BIGINT NOT NULL REFERENCES units(id),
	handler_path {{ctext}} NOT NULL,
	form_enc {{blob}} NOT NULL,              -- the answers, as checked, encrypted (pii_seal)
	attachments TEXT NOT NULL DEFAULT '[]',  -- attachment ids
	status TEXT NOT NULL CHECK (status IN ('submitted', 'accepted', 'needs_material',
		'approved', 'rejected', 'completed', 'withdrawn')),
	due_at BIGINT NOT NULL,
	version INTEGER NOT NULL DEFAULT 1,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE INDEX service_applications_handler ON service_applications (handler_path, id);
CREATE INDEX service_applications_account ON service_applications (account_id, id);

CREATE TABLE service_application_events (
	id {{id}},
	application_id BIGINT NOT NULL REFERENCES service_applications(id),
	action TEXT NOT NULL,
	actor_id BIGINT REFERENCES accounts(id),
	note TEXT NOT NULL DEFAULT '',
	attachments TEXT NOT NULL DEFAULT '[]',
	created_at BIGINT NOT NULL
);
CREATE INDEX service_application_events_app ON service_application_events (application_id, id);

INSERT INTO service_items (code, name, name_en, guide, materials, form, handling_level, time_limit_days, sort, created_at, updated_at) VALUES
 ('residence_certificate', '居住证明', 'Certificate of residence',
  '为在本社区实际居住的居民出具居住证明，用于入学、就业、办理证照等。社区核实居住情况后出具，可到社区党群服务中心领取纸质证明。',
  '[{"name":"居民身份证正反面照片","required":true},{"name":"房产证或租赁合同照片","required":true}]',
  '[{"key":"purpose","label":"用途","label_en":"Purpose","type":"select","required":true,"options":["入学","就业","办理证照","其他"]},{"key":"since","label":"入住日期","label_en":"Living here since","type":"date","required":true},{"key":"address","label":"居住地址","label_en":"Address","type":"text","required":true,"maxlength":200},{"key":"note","label":"补充说明","label_en":"Note","type":"textarea","required":false,"maxlength":500}]',
  'community', 5, 10, 0, 0),
 ('hardship_assistance', '困难救助申请', 'Hardship assistance',
  '因病、因灾、因意外等原因导致基本生活出现暂时困难的家庭，可申请临时救助。社区受理并入户核查后报街道审批，救助金发放到申请人银行账户。',
  '[{"name":"居民身份证照片","required":true},{"name":"户口簿照片","required":true},{"name":"困难情况证明（医疗票据、受灾证明等）","required":true}]',
  '[{"key":"household_size","label":"家庭人口","label_en":"People in the household","type":"number","required":true,"min":1,"max":20},{"key":"monthly_income_yuan","label":"家庭月收入（元）","label_en":"Household income a month (yuan)","type":"number","required":true,"min":0,"max":1000000},{"key":"reason","label":"困难原因","label_en":"What happened","type":"select","required":true,"options":["因病","因灾","因意外","其他"]},{"key":"description","label":"困难情况说明","label_en":"Describe the hardship","type":"textarea","required":true,"maxlength":1000},{"key":"phone","label":"联系电话","label_en":"Phone","type":"phone","required":true}]',
  'street', 10, 20, 0, 0),
 ('senior_card', '敬老优待证', 'Senior preferential card',
  '本区户籍或常住的 60 周岁以上老年人可申领敬老优待证，凭证享受公共交通、公园景点等优待。社区受理后由街道制证，办好后通知领取。',
  '[{"name":"居民身份证正反面照片","required":true},{"name":"近期免冠证件照","required":true}]',
  '[{"key":"name","label":"姓名","label_en":"Name","type":"text","required":true,"maxlength":50},{"key":"id_number","label":"身份证号","label_en":"ID number","type":"id_number","required":true},{"key":"birth_date","label":"出生日期","label_en":"Date of birth","type":"date","required":true},{"key":"pickup","label":"领取方式","label_en":"How to collect","type":"select","required":true,"options":["到社区领取","网格员送达"]}]',
  'community', 7, 30, 0, 0);
