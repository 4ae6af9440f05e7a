/**
 * Words guessed first that the English breach list (common-passwords.ts) misses: "password" and
 * the usual favourites in the languages the product is sold in (Italian, Russian in Latin and
 * Cyrillic letters and as typed on a Latin layout, German, French, Spanish, Vietnamese without
 * tones), the contact-center trade's own words, and famous example passwords. Hand-picked from
 * the top of public per-language breach lists; lower-case, letters only, space-separated. The
 * policy compares a password's base word with them exactly, so everyday words here never refuse
 * a passphrase that merely contains them.
 */
export const LOCAL_COMMON_PASSWORDS_TEXT = `
correcthorsebatterystaple correcthorsebattery correcthorse batterystaple troubador troubadour
changeme letmein welcome administrator admin root default guest user operator agent supervisor
callcenter callcentre contactcenter contactcentre helpdesk support dialer asterisk freepbx voip
retailcrm bitrix gcalls xivo ictbroadcast vicidial brix

parola parolachiave parolasegreta chiave segreto accesso benvenuto amministratore utente
juventus forzajuve forzainter forzamilan forzanapoli forzaroma forzalazio napoli milan inter lazio
roma italia amore amoremio tiamo tiamotanto teamo ciao ciaociao ciaobella principessa topolino
ciccio cicciobello tesoro tesoromio cucciolo gattino stellina calcio mamma papa famiglia sole luna
francesca giuseppe alessandro alessandra antonio giovanni roberto federica valentina martina
chiara giulia simona lorenzo matteo davide centralino

parol parolparol privet privetik lubov lyubov ljubov lubimaya lyublyu yalublutebya tebyalublu solnce
solnyshko solnishko kotik kotenok zaichik zaika rybka malysh natasha nastya anastasia anastasiya
sasha masha dasha marina svetlana tatyana tatiana olga irina elena ekaterina katya yulia dmitriy
dima maksim maxim vladimir sergey sergei andrey aleksandr aleksey alexey nikita ivan pavel artem
spartak zenit cska dinamo rossiya rossia moskva piter leningrad vkontakte odnoklassniki yandex
mamapapa mamochka zvezda schastye gfhjkm ghbdtn ytrewq
пароль привет любовь солнышко солнце котенок котик зайчик наташа настя максим россия москва
спартак зенит мамапапа

passwort kennwort hallo schatz schatzi geheim fussball schalke borussia dortmund bayern
bayernmunchen werderbremen hamburg berlin sommer sonne sonnenschein mausi liebe ichliebedich
engel blume hasi schnecke katze deutschland willkommen zugang benutzer schluessel

motdepasse soleil bonjour bonsoir coucou chouchou doudou loulou marseille paris jetaime amour
chocolat princesse nicolas camille julien bienvenue ordinateur france

contrasena clave hola holahola teamo tequiero amor barcelona realmadrid madrid mexico espana

matkhau anhyeuem emyeuanh yeuem yeuanh vietnam hanoi saigon hochiminh xinchao tinhyeu
`;
