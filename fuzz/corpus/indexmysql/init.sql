-- MySQL/MariaDB schema (backticks, ENGINE=): scanned, not parsed by libpg_query. Expected plan: orders_user
-- (a left prefix of orders_user_created) and orders_status_dup (a copy of orders_status) dropped online; nothing
-- for the foreign keys (InnoDB indexes them itself: items gets items_order_fk until items_order_sku covers it);
-- pay_order is not a duplicate of InnoDB's own pay_order_fk index, which InnoDB drops when pay_order arrives;
-- users_name is no longer redundant once users_name_email is dropped.
CREATE TABLE `users` (
  `id` bigint unsigned NOT NULL AUTO_INCREMENT,
  `email` varchar(255) NOT NULL,
  `name` varchar(100) DEFAULT NULL, -- a comment, with (parens)
  PRIMARY KEY (`id`),
  UNIQUE KEY `users_email` (`email`),
  KEY `users_name` (`name`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE TABLE `orders` (
  `id` bigint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY,
  `user_id` bigint unsigned NOT NULL,
  `status` varchar(20) NOT NULL,
  `created_at` datetime NOT NULL,
  KEY `orders_user` (`user_id`),
  KEY `orders_user_created` (`user_id`, `created_at`),
  KEY `orders_status` (`status`),
  CONSTRAINT `orders_user_fk` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`)
) ENGINE=InnoDB;
CREATE TABLE `items` (id int PRIMARY KEY, order_id bigint unsigned, sku varchar(20),
  CONSTRAINT items_order_fk FOREIGN KEY (order_id) REFERENCES orders (id));
CREATE INDEX items_order_sku ON items (order_id, sku);
ALTER TABLE `orders` ADD INDEX `orders_status_dup` (`status`), ALGORITHM=INPLACE, LOCK=NONE;
CREATE INDEX users_name_email ON users (name, email);
CREATE TABLE pay (id int PRIMARY KEY, order_id bigint unsigned, CONSTRAINT pay_order_fk FOREIGN KEY (order_id) REFERENCES orders (id)) ENGINE=InnoDB;
ALTER TABLE pay ADD KEY pay_order (order_id);
DROP INDEX users_name_email ON users;
