CREATE TABLE `users` (
  `id` bigint NOT NULL AUTO_INCREMENT PRIMARY KEY,
  `email` varchar(255) NOT NULL UNIQUE,
  `org_id` int,
  KEY `idx_org` (`org_id`),
  KEY idx_org_email (org_id, email(20)),
  FULLTEXT KEY ft (email),
  CONSTRAINT `fk_org` FOREIGN KEY (`org_id`) REFERENCES `orgs` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE UNIQUE INDEX u_email ON users (email);
ALTER TABLE users ADD INDEX idx_org2 (org_id), ADD KEY (email), DROP INDEX idx_org;
ALTER TABLE users DROP PRIMARY KEY, ADD PRIMARY KEY (id, org_id);
DROP INDEX u_email ON users;
-- comment; with ; inside
/* block ` comment */
DROP TABLE IF EXISTS `orgs`;
