/*
 * common_passwords.c — passwords refused whatever their length and mix.
 *
 * The policy (10+ characters, 3 of 4 classes) already rules out most of the
 * world's most common passwords; this list holds the ones that pass it, as
 * seen in public breach corpora and in Chinese usage (pinyin, 5201314,
 * keyboard walks), compared case-insensitively.
 */
#include <stddef.h>
#include <strings.h>

int password_is_common(const char *pw);

static const char *const common[] = {
	"Password123",	  "Password1!",	  "Password@123", "Password123!",  "P@ssw0rd123",
	"P@ssword123",	  "P@ssw0rd!",	  "P@ssw0rd2024", "P@ssw0rd2025",  "P@ssw0rd2026",
	"Passw0rd!",	  "Passw0rd123",  "Qwerty123!",	  "Qwerty@123",	   "Qwerty12345",
	"Qwer1234!@",	  "Qwer@12345",	  "QWERasdf1234", "Qwertyuiop1",   "Asdf1234!@",
	"Asdfghjkl1",	  "Zxcvbnm123!",  "1qaz@WSX3edc", "1qaz2wsx#EDC",  "1Qaz2wsx3edc",
	"!QAZ2wsx#EDC",	  "Zaq12wsx!",	  "Admin@123456", "Admin123456!",  "Admin@12345",
	"Administrator1", "Abc@123456",	  "Abc123456!",	  "Abcd@123456",   "Abcd1234!@",
	"Aa123456789",	  "Aa12345678!",  "Aa@123456789", "Welcome123!",   "Welcome@123",
	"Welcome2024!",	  "Letmein123!",  "Iloveyou123",  "Iloveyou520",   "Woaini1314!",
	"Woaini1314",	  "Woaini520!",	  "Woaini@1314",  "Woaini5201314", "A5201314!",
	"Aa5201314!",	  "Wang123456!",  "Zhang123456!", "Li123456789!",  "Liu123456789",
	"Chen123456!",	  "Yang123456!",  "Huang123456!", "Zhao123456!",   "Wu123456789!",
	"Suzhou123456",	  "Suzhou@123",	  "Wuzhong@123",  "Wuzhong123!",   "Jiangsu@123",
	"China@123456",	  "China123456!", "Zhongguo123!", "Beijing@123",   "Shanghai@123",
	"Test@123456",	  "Test123456!",  "Changeme123!", "Changeme@1",	   "Default@123",
	"Root@123456",	  "Root123456!",  "User@123456",  "Huawei@123",	   "Huawei12#$",
	"Admin@huawei",	  "Sangfor@123",  "Hikvision123", "Dahua@12345",   "Shuniu@123",
	"Shuniu123456!",  "Summer2024!",  "Winter2024!",  "Spring2025!",   "Autumn2025!",
	"Football123!",	  "Baseball123!", "Monkey12345!", "Dragon12345!",  "Master12345!",
	"Sunshine123!",	  "Princess123!", "Superman123!", "Batman12345!",  "Starwars123!",
	"Trustno1!!",	  "Michael123!",  "Jennifer123!", "Charlie123!",   "Computer123!",
	"Internet123!",	  "Samsung123!",  "Google123!",	  "Apple123456!",  "Microsoft1!",
	"Windows123!",	  "Linux@123456", "1234567890Aa", "123456789Aa!",  "123456Aa!@",
	"12345678Aa@",	  "0123456789Aa", "Aa112233445",  "Aa!11111111",   "Aa123123123",
	"Aa147258369",	  "Aa159357258",  "Aa!@#$%^&*",	  "Qq123456789",   "Qq123456!@",
	"Ww123456789",	  "Zz123456789",  "Xx123456789",  "Aa666888999",   "Aa888888888",
	"Aa666666666",	  "Aa111111111",  "Aa000000000",  "Aa520131400",
};

int password_is_common(const char *pw)
{
	for (size_t i = 0; i < sizeof common / sizeof common[0]; i++)
		if (!strcasecmp(pw, common[i]))
			return 1;
	return 0;
}
